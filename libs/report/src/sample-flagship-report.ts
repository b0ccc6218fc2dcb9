import type { QueryMigrateInfo } from '@migsim/migration';
import { buildReport } from './build-report';
import { formatDurationMs } from './format';
import type {
  CheckResult,
  DisableCost,
  MigrationReport,
  RecoveryStrategyName,
  Report,
  ReportEvent,
  VariantReport,
} from './report-model';
import { sampleCurveAt, sampleRecoveryMetrics, sampleTimeline, type CurveInput } from './sample-curves';

export interface SampleReportOptions {
  vmName?: string;
  scenarioName?: string;
  seed?: number;
  /** Timeline sample interval away from events (default 1 s). */
  sampleStepMs?: number;
  /** Timeline sample interval around logging on and off (default 5 ms; 0 = a regular timeline). */
  fineStepMs?: number;
}

const PAGE_BYTES = 4096;
const PAGE_RECORD_BYTES = PAGE_BYTES + 8; // QEMU: page + 8-byte header
const ZERO_PAGE_RECORD_BYTES = 9;
const MEMORY_BYTES = 4 * 1024 ** 3;
const LINK_BYTES_PER_S = 125_000_000; // 1 Gbps
const DIRTY_BYTES_PER_S = 25_000_000; // sequential writer
const ZERO_PAGE_SHARE = 0.125;
const MIGRATION_START_MS = 5000;
const SETUP_MS = 100;
const HORIZON_MS = 90_000;
const VCPUS = 4;
const REGIONS_2M = MEMORY_BYTES / (2 * 1024 ** 2);
const PAGES_4K = MEMORY_BYTES / PAGE_BYTES;

/**
 * The cost of switching dirty logging off per strategy, for a 4 GiB
 * THP-backed VM split to 4 KiB (sample values in the shape libs/mmu reports).
 */
const DISABLE_COSTS: Record<RecoveryStrategyName, DisableCost & { refaults: number }> = {
  none: { simulatedMs: 0.4, tlbFlushes: 1, sptesZapped: 0, rmapEntriesScanned: 0, lockYields: 0, lockHoldMaxMs: 0.4, hugeInstalled: 0, refaults: 0 },
  'zap-rmap': { simulatedMs: 84.5, tlbFlushes: 129, sptesZapped: PAGES_4K, rmapEntriesScanned: PAGES_4K, lockYields: 128, lockHoldMaxMs: 1.66, hugeInstalled: 0, refaults: REGIONS_2M },
  'zap-max-level': { simulatedMs: 70.25, tlbFlushes: 129, sptesZapped: PAGES_4K, rmapEntriesScanned: PAGES_4K, lockYields: 120, lockHoldMaxMs: 1.66, hugeInstalled: 0, refaults: REGIONS_2M },
  'zap-tdp': { simulatedMs: 75.125, tlbFlushes: REGIONS_2M, sptesZapped: REGIONS_2M, rmapEntriesScanned: 0, lockYields: 64, lockHoldMaxMs: 6.5, hugeInstalled: 0, refaults: REGIONS_2M },
  'recover-in-place': { simulatedMs: 64.125, tlbFlushes: 3, sptesZapped: 0, rmapEntriesScanned: 0, lockYields: 2, lockHoldMaxMs: 48, hugeInstalled: REGIONS_2M, refaults: 0 },
};

export const SAMPLE_STRATEGIES: readonly RecoveryStrategyName[] = ['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place'];

/** The pre-copy rounds of the sample migration: QEMU sends, in round n, what was dirtied during round n-1. */
function samplePhases() {
  const round1Ms = (MEMORY_BYTES / LINK_BYTES_PER_S) * 1000;
  const round2Ms = round1Ms * (DIRTY_BYTES_PER_S / LINK_BYTES_PER_S);
  const round3Ms = round2Ms * (DIRTY_BYTES_PER_S / LINK_BYTES_PER_S);
  const setupEnd = MIGRATION_START_MS + SETUP_MS;
  const round2Start = setupEnd + round1Ms;
  const round3Start = round2Start + round2Ms;
  // The destination crashes half-way through round 3.
  const crashMs = round3Start + round3Ms / 2;
  return {
    crashMs,
    round3Ms,
    phases: [
      { phase: 'setup' as const, round: null, startMs: MIGRATION_START_MS, endMs: setupEnd },
      { phase: 'round' as const, round: 1, startMs: setupEnd, endMs: round2Start },
      { phase: 'round' as const, round: 2, startMs: round2Start, endMs: round3Start },
      { phase: 'round' as const, round: 3, startMs: round3Start, endMs: crashMs },
    ],
    bytesSentPerRound: [MEMORY_BYTES, round2Ms * (LINK_BYTES_PER_S / 1000), (round3Ms / 2) * (LINK_BYTES_PER_S / 1000)],
  };
}

function sampleInfo(crashMs: number, round3Ms: number, bytesSentPerRound: readonly number[]): QueryMigrateInfo {
  const round1Pages = MEMORY_BYTES / PAGE_BYTES;
  const duplicate = Math.round(round1Pages * ZERO_PAGE_SHARE);
  const normal = round1Pages - duplicate + Math.round((bytesSentPerRound[1]! + bytesSentPerRound[2]!) / PAGE_RECORD_BYTES);
  const transferred = normal * PAGE_RECORD_BYTES + duplicate * ZERO_PAGE_RECORD_BYTES;
  const remaining = Math.round(((round3Ms / 2) * DIRTY_BYTES_PER_S) / 1000 / PAGE_BYTES) * PAGE_BYTES;
  return {
    status: 'failed',
    'total-time': Math.round(crashMs - MIGRATION_START_MS),
    'setup-time': SETUP_MS,
    'expected-downtime': Math.round((remaining / LINK_BYTES_PER_S) * 1000),
    ram: {
      transferred,
      remaining,
      total: MEMORY_BYTES,
      duplicate,
      normal,
      'normal-bytes': normal * PAGE_BYTES,
      'dirty-pages-rate': Math.round(DIRTY_BYTES_PER_S / PAGE_BYTES),
      mbps: (LINK_BYTES_PER_S * 8) / 1e6,
      'dirty-sync-count': 3,
      'precopy-bytes': transferred,
      'downtime-bytes': 0,
      'postcopy-bytes': 0,
    },
    'error-desc': 'Unable to write to socket: Connection reset by peer',
  };
}

/**
 * A report shaped like the flagship scenario's: a 4 GiB THP-backed VM whose
 * pre-copy to dst-1 fails when dst-1 crashes in round 3, run as five
 * variants, one per recovery strategy. All numbers are synthetic sample data.
 */
export function sampleFlagshipReport(options: SampleReportOptions = {}): Report {
  const vm = options.vmName ?? 'vm-1';
  const timelineOptions = { coarseStepMs: options.sampleStepMs ?? 1000, fineStepMs: options.fineStepMs ?? 5 };
  const { crashMs, round3Ms, phases, bytesSentPerRound } = samplePhases();
  const loggingOffMs = crashMs + 3; // failure handling: resume, stop throttle, then stop dirty logging
  const info = sampleInfo(crashMs, round3Ms, bytesSentPerRound);

  const variants = SAMPLE_STRATEGIES.map((strategy): VariantReport => {
    const cost = DISABLE_COSTS[strategy];
    const { refaults, ...disable } = cost;
    const curve: CurveInput = { loggingOnMs: MIGRATION_START_MS, loggingOffMs, strategy, disableMs: disable.simulatedMs };
    const metrics = sampleRecoveryMetrics(curve, HORIZON_MS, VCPUS);
    const migration: MigrationReport = {
      id: 'm-1',
      vm,
      source: 'src-1',
      destination: 'dst-1',
      algorithm: 'qemu-precopy',
      outcome: 'failed',
      attempts: [{ attempt: 1, startMs: MIGRATION_START_MS, endMs: crashMs, outcome: 'failed', phases, info }],
    };
    const recoverWithinMs = 30_000;
    const recovered = metrics.timeTo95PctMs !== null && metrics.timeTo95PctMs <= recoverWithinMs;
    const checks: CheckResult[] = [
      { name: 'vm-never-lost', kind: 'vm-never-lost', passed: true, detail: `${vm} ran on exactly one host at every step` },
      { name: 'dirty-logging-off-after-failure', kind: 'dirty-logging-off', passed: true, detail: `dirty logging off on src-1 for ${vm} 3 ms after m-1 failed` },
      recovered
        ? { name: `recovers-${vm}`, kind: 'recovers', passed: true, detail: `${vm} reached 95 % of baseline ${formatDurationMs(metrics.timeTo95PctMs)} after dirty logging was switched off (limit 30 s)` }
        : {
            name: `recovers-${vm}`,
            kind: 'recovers',
            passed: false,
            detail: `${vm} was at ${(sampleCurveAt(curve, loggingOffMs + recoverWithinMs).relativeThroughput * 100).toFixed(1)} % of baseline 30 s after dirty logging was switched off; expected 95 %`,
            firstViolationMs: loggingOffMs + recoverWithinMs,
          },
    ];
    const events: ReportEvent[] = [
      { tMs: MIGRATION_START_MS, kind: 'migration-started', subject: 'm-1', detail: `${vm} src-1 → dst-1, qemu-precopy` },
      { tMs: MIGRATION_START_MS, kind: 'dirty-logging-enabled', subject: vm, detail: 'eager split: every SPTE of the slot now 4 KiB' },
      ...phases.map((phase) => ({
        tMs: phase.startMs,
        kind: 'phase',
        subject: 'm-1',
        detail: phase.round === null ? phase.phase : `round ${phase.round}`,
      })),
      { tMs: crashMs, kind: 'fault', subject: 'dst-1', detail: 'destination crash (when m-1 in round 3)' },
      { tMs: crashMs, kind: 'migration-failed', subject: 'm-1', detail: info['error-desc']! },
      { tMs: loggingOffMs, kind: 'dirty-logging-disabled', subject: vm, detail: `recovery ${strategy}` },
      { tMs: loggingOffMs, kind: 'recovery-started', subject: vm, detail: strategy },
    ];
    if (metrics.timeTo95PctMs === null) {
      events.push({ tMs: loggingOffMs + recoverWithinMs, kind: 'check-failed', subject: `recovers-${vm}`, detail: 'not at 95 % within 30 s' });
    }
    return {
      name: strategy,
      description: `src-1 runs recovery strategy ${strategy}`,
      hosts: [
        { name: 'src-1', kernel: { preset: null, mmu: 'tdp', pml: true, eagerSplit: true, recovery: strategy } },
        { name: 'dst-1', kernel: { preset: 'linux-6.13', mmu: 'tdp', pml: true, eagerSplit: true, recovery: 'recover-in-place' } },
      ],
      migrations: [migration],
      vms: [
        {
          name: vm,
          host: 'src-1',
          memoryBytes: MEMORY_BYTES,
          vcpus: VCPUS,
          timeline: sampleTimeline(curve, HORIZON_MS, timelineOptions),
          recoveries: [
            { strategy, trigger: 'migration-failed', cause: 'm-1', startMs: loggingOffMs, ...metrics, refaults, disable },
          ],
        },
      ],
      events,
      checks,
    };
  });

  return buildReport({
    generatedBy: { tool: 'migsim', version: '0.1.0' },
    scenario: {
      name: options.scenarioName ?? 'failed-migration-recovery',
      description:
        'A 4 GiB THP-backed VM is pre-copied over 1 Gbps while a sequential writer dirties 25 MB/s; the destination ' +
        'crashes in round 3. Five variants compare what each recovery strategy does once dirty logging is switched off.',
      file: 'scenarios/failed-migration-recovery.yaml',
    },
    seed: options.seed ?? 42,
    engine: 'in-process',
    horizonMs: HORIZON_MS,
    variants,
  });
}
