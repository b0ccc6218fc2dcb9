import type { RunKey, SweepPlan } from './input/sweep-plan';
import type { RunTask } from './run/execute-run';
import { failedChecks, type RunResult } from './run/run-result';
import type { ShrinkTask } from './shrink/shrink-run';
import { sortResults } from './summary/sweep-summary';

/** The run of `key`, as a self-contained task. */
export function runTaskOf(plan: SweepPlan, key: RunKey): RunTask {
  return { scenarioText: plan.scenarioText, fileName: plan.fileName, sets: plan.cells[key.cell]!.sets, cell: key.cell, seed: key.seed, variant: key.variant };
}

/** Every run of the plan, in its order: cell, seed, variant. */
export function runTasksOf(plan: SweepPlan): RunTask[] {
  const tasks: RunTask[] = [];
  for (const cell of plan.cells) for (const seed of plan.seeds) for (const variant of plan.variants) tasks.push(runTaskOf(plan, { cell: cell.index, seed, variant }));
  return tasks;
}

/**
 * Which failing runs to shrink, at most `limit`: first the lowest seed of
 * each distinct (cell, variant, first failed check), so every kind of
 * failure gets a small reproduction, then the other failing runs by seed.
 */
export function pickRunsToShrink(plan: SweepPlan, results: readonly RunResult[], limit: number, budget: number): ShrinkTask[] {
  const failing = sortResults(plan, results).filter((result) => failedChecks(result).length > 0);
  const firsts: RunResult[] = [];
  const seen = new Set<string>();
  for (const result of failing) {
    const key = `${result.cell}\u0000${result.variant}\u0000${failedChecks(result)[0]!.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    firsts.push(result);
  }
  const rest = failing.filter((result) => !firsts.includes(result));
  const chosen = sortResults(plan, [...firsts, ...rest].slice(0, limit));
  return chosen.map((result) => ({
    scenarioText: plan.scenarioText,
    fileName: plan.fileName,
    sets: plan.cells[result.cell]!.sets,
    cell: result.cell,
    seed: result.seed,
    variant: result.variant,
    check: failedChecks(result)[0]!.name,
    budget,
  }));
}

/** `shrunk/<variant>-seed-<seed>[-cell-<n>].yaml`, relative to the output directory. */
export function shrunkFileName(plan: SweepPlan, task: { seed: number; variant: string; cell?: number }): string {
  const cell = plan.cells.length > 1 && task.cell !== undefined ? `-cell-${task.cell}` : '';
  return `shrunk/${task.variant}-seed-${task.seed}${cell}.yaml`;
}
