import type { RunKey, SweepPlan } from '../input/sweep-plan';

/** Characters a POSIX shell reads literally outside quotes. */
const SAFE = /^[A-Za-z0-9_./=:,+%@-]+$/;

export function shellQuote(word: string): string {
  return SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The one-line `migsim simulate` command that runs exactly this run of the
 * sweep: the scenario file, the seed, the variant and the cell's `--set`
 * values. Its report has the same checks, passed or failed alike.
 */
export function reproduceCommand(plan: SweepPlan, key: RunKey): string {
  const cell = plan.cells[key.cell]!;
  const words = ['migsim', 'simulate', plan.fileName, '--seed', String(key.seed), '--variant', key.variant];
  for (const set of cell.sets) words.push('--set', `${set.path}=${set.text}`);
  return words.map(shellQuote).join(' ');
}
