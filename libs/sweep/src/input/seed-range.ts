import { SweepInputError } from './sweep-input-error';

export const MAX_SEED = 0xffff_ffff;
/** More seeds than this is a typo, not a study. */
export const MAX_SEEDS = 1_000_000;

const ITEM = /^(\d+)(?:\.\.(\d+))?$/;
const EXPECTED = `seeds from 0 to ${MAX_SEED}: a range A..B with A <= B (1..200), one seed (7), or a comma-separated list of both (1..10,42)`;

/**
 * The seeds of `--seeds`: `1..200`, `7`, or `1..10,42,100..120`; returned
 * sorted, each once, so the same seeds written in another order make the
 * same sweep.
 */
export function parseSeeds(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new SweepInputError('--seeds', `found nothing, expected ${EXPECTED}`);
  const seeds = new Set<number>();
  for (const item of trimmed.split(',')) {
    const match = ITEM.exec(item.trim());
    if (match === null) throw new SweepInputError('--seeds', `found "${item.trim()}" in "${text}", expected ${EXPECTED}`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (first > MAX_SEED || last > MAX_SEED) throw new SweepInputError('--seeds', `found "${item.trim()}", expected ${EXPECTED}`);
    if (last < first) throw new SweepInputError('--seeds', `found "${item.trim()}", a range that ends before it starts; expected ${EXPECTED}`);
    if (last - first + 1 + seeds.size > MAX_SEEDS) throw new SweepInputError('--seeds', `found "${text}", more than ${MAX_SEEDS.toLocaleString('en-US')} seeds; expected at most that many`);
    for (let seed = first; seed <= last; seed++) seeds.add(seed);
  }
  return [...seeds].sort((a, b) => a - b);
}

/** `1..200`, `1..10,42`: the shortest text `parseSeeds` reads back as these seeds (sorted, distinct). */
export function formatSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j === i ? String(seeds[i]) : `${seeds[i]}..${seeds[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
