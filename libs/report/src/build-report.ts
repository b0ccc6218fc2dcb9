import { normalizeReport } from './normalize-report';
import { studySummary } from './study-summary';
import {
  MIGRATION_OUTCOMES,
  REPORT_SCHEMA_VERSION,
  type MigrationOutcome,
  type Report,
  type ReportSummary,
  type VariantReport,
  type VariantSummary,
} from './report-model';

/** Everything a driver knows at the end of a run; the summary is derived. */
export type ReportInput = Omit<Report, 'schemaVersion' | 'summary'>;

/**
 * Assembles a report from what a driver collected: adds the schema version,
 * derives the summary and returns the canonical (rounded, ordered) form.
 */
export function buildReport(input: ReportInput): Report {
  return normalizeReport({
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedBy: input.generatedBy,
    scenario: input.scenario,
    seed: input.seed,
    engine: input.engine,
    horizonMs: input.horizonMs,
    variants: input.variants,
    summary: summarizeVariants(input.variants),
    ...(input.execution === undefined ? {} : { execution: input.execution }),
  });
}

/** The numbers the text summary and the CLI exit code use. */
export function summarizeVariants(variants: readonly VariantReport[]): ReportSummary {
  const summaries = variants.map(summarizeVariant);
  return {
    variants: summaries,
    checks: {
      passed: summaries.reduce((sum, variant) => sum + variant.checks.passed, 0),
      failed: summaries.reduce((sum, variant) => sum + variant.checks.failed, 0),
    },
  };
}

function summarizeVariant(variant: VariantReport): VariantSummary {
  const outcomes = Object.fromEntries(MIGRATION_OUTCOMES.map((outcome) => [outcome, 0])) as Record<MigrationOutcome, number>;
  for (const migration of variant.migrations) outcomes[migration.outcome] += 1;
  const passed = variant.checks.filter((check) => check.passed).length;
  return {
    ...(variant.migrations.length === 0 ? {} : { study: studySummary(variant) }),
    variant: variant.name,
    outcomes,
    checks: { passed, failed: variant.checks.length - passed },
    recoveries: variant.vms.flatMap((vm) =>
      vm.recoveries.map((recovery) => ({
        vm: vm.name,
        strategy: recovery.strategy,
        startMs: recovery.startMs,
        timeTo95PctMs: recovery.timeTo95PctMs,
        lostWorkVcpuSeconds: recovery.lostWorkVcpuSeconds,
        refaults: recovery.refaults,
        finalHugeFraction: recovery.finalHugeFraction,
      })),
    ),
  };
}

/** Failed checks across every variant: what `migsim simulate` turns into its exit code. */
export function failedCheckCount(report: Report): number {
  return report.summary.checks.failed;
}
