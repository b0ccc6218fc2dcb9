import { MIGRATION_OUTCOMES, type MigrationOutcome } from '@migsim/report';
import { MIGSIM_VERSION } from '@migsim/sim';
import { formatSeeds } from '../input/seed-range';
import type { RunKey, SweepCell, SweepPlan } from '../input/sweep-plan';
import { failedChecks, type CheckCategory, type RunResult } from '../run/run-result';
import { reproduceCommand } from './reproduce-command';
import { distribution, pairedDifference, proportion, type Distribution, type PairedDifference, type Proportion } from './stats';

export const SWEEP_SUMMARY_VERSION = 1;

/**
 * `summary.json`: a sweep's results per cell and variant, the paired
 * differences between variants and the failing runs. It depends only on the
 * plan and the runs' results (sorted before anything is computed), never on
 * how many workers ran them, in which order, or when: the same sweep gives
 * the same bytes.
 */
export interface SweepSummary {
  schemaVersion: typeof SWEEP_SUMMARY_VERSION;
  generatedBy: { tool: 'migsim'; version: string };
  scenario: { name: string; file: string };
  seeds: { count: number; seeds: string };
  variants: string[];
  parameters: { path: string; values: string[] }[];
  cells: { index: number; set: Record<string, string> }[];
  runs: number;
  groups: GroupSummary[];
  /** Each variant against the first one (the baseline), seed by seed, in each cell. */
  paired: PairedSummary[];
  failures: FailingRun[];
}

export type OutcomeName = MigrationOutcome | 'lost';

/** One variant in one cell of the grid, over every seed. */
export interface GroupSummary {
  cell: number;
  variant: string;
  runs: number;
  migrations: number;
  /** Per migration: how it ended; `lost`: its VM was lost. */
  outcomes: Record<OutcomeName, Proportion>;
  /** Per run: failed any check, a safety invariant, a liveness check, or could not finish. */
  failingRuns: Record<'any' | CheckCategory, Proportion>;
  /** Per check: runs that failed it. */
  checks: { name: string; kind: string; category: CheckCategory; failedRuns: number }[];
  /** Completed migrations: total time and downtime (ms). */
  totalTimeMs: Distribution;
  downtimeMs: Distribution;
  /** Attempts per migration. */
  attempts: Distribution;
  /** Per run: when the last migration ended (runs where every migration ended). */
  drainMs: Distribution;
  /** Per run: lost work of every recovery its failed migrations caused (vCPU·s). */
  lostWorkVcpuSeconds: Distribution;
  /** Per migration that failed: its slowest recovery back to 95 % (ms). */
  timeTo95Ms: Distribution;
}

export const PAIRED_METRICS = ['completedFraction', 'drainMs', 'lostWorkVcpuSeconds', 'failing'] as const;
export type PairedMetric = (typeof PAIRED_METRICS)[number];

export interface PairedSummary {
  cell: number;
  baseline: string;
  variant: string;
  metrics: Record<PairedMetric, PairedDifference>;
}

export interface FailingRun extends RunKey {
  checks: { name: string; kind: string; category: CheckCategory; detail: string }[];
  /** `migsim simulate ...` that runs exactly this run. */
  command: string;
  /** The shrunk scenario, relative to the output directory, when the run was shrunk. */
  shrunk: string | null;
}

export interface SummaryOptions {
  /** Shrunk scenario files by run (`runId`), relative to the output directory. */
  shrunk?: ReadonlyMap<string, string>;
}

/** A run's id: `<cell>/<seed>/<variant>`. */
export function runId(key: RunKey): string {
  return `${key.cell}/${key.seed}/${key.variant}`;
}

/** Results in the plan's order: cell, then seed, then variant. */
export function sortResults(plan: SweepPlan, results: readonly RunResult[]): RunResult[] {
  const variantRank = new Map(plan.variants.map((name, index) => [name, index]));
  return [...results].sort((a, b) => a.cell - b.cell || a.seed - b.seed || variantRank.get(a.variant)! - variantRank.get(b.variant)!);
}

export function summarizeSweep(plan: SweepPlan, unsorted: readonly RunResult[], options: SummaryOptions = {}): SweepSummary {
  const results = sortResults(plan, unsorted);
  checkComplete(plan, results);
  const groups: GroupSummary[] = [];
  const paired: PairedSummary[] = [];
  for (const cell of plan.cells) {
    const byVariant = new Map(plan.variants.map((variant) => [variant, results.filter((result) => result.cell === cell.index && result.variant === variant)]));
    for (const variant of plan.variants) groups.push(groupSummary(cell, variant, byVariant.get(variant)!));
    const [baseline, ...others] = plan.variants;
    for (const variant of others) paired.push(pairedSummary(cell, baseline!, variant, byVariant.get(baseline!)!, byVariant.get(variant)!));
  }
  const failures = results
    .filter((result) => failedChecks(result).length > 0)
    .map((result): FailingRun => ({
      cell: result.cell,
      seed: result.seed,
      variant: result.variant,
      checks: failedChecks(result).map((check) => ({ name: check.name, kind: check.kind, category: check.category, detail: check.detail ?? '' })),
      command: reproduceCommand(plan, result),
      shrunk: options.shrunk?.get(runId(result)) ?? null,
    }));
  return {
    schemaVersion: SWEEP_SUMMARY_VERSION,
    generatedBy: { tool: 'migsim', version: MIGSIM_VERSION },
    scenario: { name: plan.scenarioName, file: plan.fileName },
    seeds: { count: plan.seeds.length, seeds: formatSeeds(plan.seeds) },
    variants: [...plan.variants],
    parameters: plan.parameters.map((parameter) => ({ path: parameter.path, values: parameter.values.map((value) => value.text) })),
    cells: plan.cells.map((cell) => ({ index: cell.index, set: Object.fromEntries(cell.sets.map((set) => [set.path, set.text])) })),
    runs: results.length,
    groups,
    paired,
    failures,
  };
}

/** A summary must cover every run of the plan exactly once. */
function checkComplete(plan: SweepPlan, results: readonly RunResult[]): void {
  const expected = plan.cells.length * plan.seeds.length * plan.variants.length;
  const ids = new Set(results.map(runId));
  if (ids.size !== results.length) throw new Error('a run of the sweep has more than one result');
  if (results.length !== expected) throw new Error(`the sweep has ${results.length} results for ${expected} runs`);
}

function groupSummary(cell: SweepCell, variant: string, runs: readonly RunResult[]): GroupSummary {
  const rows = runs.flatMap((run) => run.migrations);
  const outcomes = {} as Record<OutcomeName, Proportion>;
  for (const outcome of MIGRATION_OUTCOMES) outcomes[outcome] = proportion(rows.filter((row) => row.outcome === outcome).length, rows.length);
  outcomes.lost = proportion(rows.filter((row) => row.vmLost).length, rows.length);
  const failingIn = (category: CheckCategory | 'any') =>
    proportion(runs.filter((run) => failedChecks(run).some((check) => category === 'any' || check.category === category)).length, runs.length);
  const checks: GroupSummary['checks'] = [];
  for (const run of runs) {
    for (const check of run.checks) {
      let entry = checks.find((candidate) => candidate.name === check.name);
      if (entry === undefined) {
        entry = { name: check.name, kind: check.kind, category: check.category, failedRuns: 0 };
        checks.push(entry);
      }
      if (!check.passed) entry.failedRuns += 1;
    }
  }
  const completed = rows.filter((row) => row.outcome === 'completed');
  return {
    cell: cell.index,
    variant,
    runs: runs.length,
    migrations: rows.length,
    outcomes,
    failingRuns: { any: failingIn('any'), safety: failingIn('safety'), liveness: failingIn('liveness'), error: failingIn('error'), other: failingIn('other') },
    checks,
    totalTimeMs: distribution(completed.map((row) => row.totalTimeMs)),
    downtimeMs: distribution(completed.flatMap((row) => (row.downtimeMs === null ? [] : [row.downtimeMs]))),
    attempts: distribution(rows.map((row) => row.attempts)),
    drainMs: distribution(runs.flatMap((run) => (run.drainMs === null ? [] : [run.drainMs]))),
    lostWorkVcpuSeconds: distribution(runs.filter((run) => run.error === null).map((run) => run.lostWorkVcpuSeconds)),
    timeTo95Ms: distribution(rows.flatMap((row) => (row.timeTo95Ms === null ? [] : [row.timeTo95Ms]))),
  };
}

/** Per seed, the run-level value of a metric (null when the run has none). */
export function pairedValue(metric: PairedMetric, run: RunResult): number | null {
  switch (metric) {
    case 'completedFraction':
      return run.error !== null ? null : run.migrations.length === 0 ? null : run.migrations.filter((row) => row.outcome === 'completed').length / run.migrations.length;
    case 'drainMs':
      return run.drainMs;
    case 'lostWorkVcpuSeconds':
      return run.error !== null ? null : run.lostWorkVcpuSeconds;
    case 'failing':
      return failedChecks(run).length > 0 ? 1 : 0;
  }
}

function pairedSummary(cell: SweepCell, baseline: string, variant: string, baseRuns: readonly RunResult[], variantRuns: readonly RunResult[]): PairedSummary {
  const bySeed = new Map(baseRuns.map((run) => [run.seed, run]));
  const metrics = {} as Record<PairedMetric, PairedDifference>;
  for (const metric of PAIRED_METRICS) {
    const differences: number[] = [];
    for (const run of variantRuns) {
      const base = bySeed.get(run.seed);
      const a = base === undefined ? null : pairedValue(metric, base);
      const b = pairedValue(metric, run);
      if (a !== null && b !== null) differences.push(b - a);
    }
    metrics[metric] = pairedDifference(differences);
  }
  return { cell: cell.index, baseline, variant, metrics };
}

/** summary.json: two-space JSON, trailing newline. */
export function renderSummaryJson(summary: SweepSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
