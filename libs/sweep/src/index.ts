/**
 * @migsim/sweep: chaos sweeps of a scenario — every variant x every seed x
 * every value of each `--set` parameter, paired by seed — their per-run
 * results, the statistics of the summary, its renderings (summary.json,
 * runs.csv, index.html, a terminal summary) and the shrinking of failing
 * runs into small scenario files. Pure: the CLI runs the tasks (worker
 * threads or BullMQ workers) and writes the files.
 */
export { SweepInputError } from './input/sweep-input-error';
export { parseSeeds, formatSeeds, MAX_SEED, MAX_SEEDS } from './input/seed-range';
export { parseSetOption, applySet, type SetParameter, type SetValue } from './input/set-parameter';
export { planSweep, loadCell, cellDocument, cellLabel, type SweepPlan, type SweepCell, type CellSet, type RunKey, type PlanInput } from './input/sweep-plan';
export {
  summarizeRun,
  erroredRun,
  failedChecks,
  categoryOf,
  SAFETY_CHECKS,
  LIVENESS_CHECKS,
  ENGINE_ERROR_CHECK,
  type RunResult,
  type RunError,
  type MigrationRow,
  type CheckRow,
  type CheckCategory,
} from './run/run-result';
export { executeRun, ScenarioCache, type RunTask } from './run/execute-run';
export { proportion, distribution, pairedDifference, quantile, Z95, type Proportion, type Distribution, type PairedDifference } from './summary/stats';
export {
  summarizeSweep,
  renderSummaryJson,
  sortResults,
  runId,
  pairedValue,
  PAIRED_METRICS,
  SWEEP_SUMMARY_VERSION,
  type SweepSummary,
  type GroupSummary,
  type PairedSummary,
  type PairedMetric,
  type FailingRun,
  type SummaryOptions,
} from './summary/sweep-summary';
export { reproduceCommand, shellQuote } from './summary/reproduce-command';
export { renderRunsCsv } from './render/runs-csv';
export { renderSummaryText } from './render/summary-text';
export { renderSweepHtml } from './render/sweep-html';
export { shrinkRun, startingDocument, type ShrinkTask, type ShrinkResult, type ShrinkSize } from './shrink/shrink-run';
export { runTasksOf, runTaskOf, pickRunsToShrink, shrunkFileName } from './sweep-tasks';
