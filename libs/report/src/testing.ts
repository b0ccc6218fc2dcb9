/**
 * Builders of realistic reports for tests (of this library, the CLI and the
 * drivers). Every number they hold is synthetic sample data.
 */
import type { QueryMigrateInfo } from '@migsim/migration';
import { buildReport } from './build-report';
import type { Report, VariantReport } from './report-model';

export { sampleFlagshipReport, SAMPLE_STRATEGIES, type SampleReportOptions } from './sample-flagship-report';
export {
  sampleCurveAt,
  sampleRecoveryMetrics,
  sampleTimeline,
  sampleTimes,
  type CurveInput,
  type CurveSample,
  type SampleTimelineOptions,
} from './sample-curves';

/** A `query-migrate` reply of a completed 1 GiB pre-copy, with overrides. */
export function sampleQueryMigrateInfo(overrides: Partial<QueryMigrateInfo> = {}): QueryMigrateInfo {
  return {
    status: 'completed',
    'total-time': 9120,
    downtime: 212,
    'setup-time': 40,
    ram: {
      transferred: 1_090_000_000,
      remaining: 0,
      total: 1024 ** 3,
      duplicate: 32_768,
      normal: 264_000,
      'normal-bytes': 264_000 * 4096,
      'dirty-pages-rate': 1200,
      mbps: 953.7,
      'dirty-sync-count': 4,
      'precopy-bytes': 1_060_000_000,
      'downtime-bytes': 30_000_000,
      'postcopy-bytes': 0,
    },
    ...overrides,
  };
}

/** A report with one variant built by `variant` (default: nothing happened). */
export function sampleSingleVariantReport(variant: Partial<VariantReport> = {}): Report {
  return buildReport({
    generatedBy: { tool: 'migsim', version: '0.1.0' },
    scenario: { name: 'single', description: null, file: null },
    seed: 1,
    engine: 'in-process',
    horizonMs: 10_000,
    variants: [
      {
        name: 'default',
        description: null,
        hosts: [],
        migrations: [],
        vms: [],
        events: [],
        checks: [],
        ...variant,
      },
    ],
  });
}
export { sampleStudyReport } from './sample-study-report';
