export * from './report-model';
export { ReportError, ReportParseError, type ReportErrorCode, type ReportProblem } from './report-error';
export { buildReport, summarizeVariants, failedCheckCount, type ReportInput } from './build-report';
export { normalizeReport } from './normalize-report';
export {
  FRACTION_DECIMALS,
  TIME_MS_DECIMALS,
  OTHER_SIGNIFICANT_DIGITS,
  precisionRuleFor,
  roundForKey,
  type PrecisionRule,
} from './precision';
export { renderJson } from './render-json';
export { parseReport } from './parse-report';
export { renderText, DEFAULT_TEXT_WIDTH, type TextOptions } from './render-text';
export { renderHtml } from './render-html';
export {
  recoveryComparisonRows,
  neverBelow,
  timeToLevelMs,
  timeToLevelText,
  type RecoveryComparisonRow,
  type RecoveryLevel,
} from './recovery-comparison';
export { attemptReason, migrationTotals, phaseLabel, type MigrationTotals } from './migration-totals';
export { formatBytes, formatDurationMs, formatPercent, formatCount } from './format';
export { seriesStyle, type SeriesStyle } from './html-palette';
export { REPORT_CSS } from './html-styles';
export * from './study-model';
export { migrationRows, renderMigrationsCsv, MIGRATION_ROW_COLUMNS, type MigrationRow } from './study-rows';
export { studySummary, percentiles } from './study-summary';
export { interestingVms, INTERESTING_VM_COUNT, type InterestingVm, type InterestReason } from './interesting-vms';
