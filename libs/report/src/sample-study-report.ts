import { buildReport } from './build-report';
import type { MigrationReport, Report, VmReport } from './report-model';
import type { TierUsage } from './study-model';
import type { QueryMigrateInfo } from '@migsim/migration';

/**
 * A synthetic load study for the renderers' tests: `hosts` hosts in racks of
 * 4, `migrations` migrations from the first hosts to the others, their
 * times, downtimes, bytes and lost work spread by a fixed formula (no
 * randomness), one in every `failEvery` failed, the last one unfinished (unless
 * `unfinishedLast` is false), a
 * timeline for every VM, and link loads for every tier. **Synthetic
 * data**, not the engine's: it exists to exercise the study outputs.
 */
/** A completed pre-copy's `query-migrate` reply (as `sampleQueryMigrateInfo` of testing.ts, which re-exports this file). */
function studyInfo(overrides: Partial<QueryMigrateInfo>): QueryMigrateInfo {
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

export function sampleStudyReport(options: { migrations?: number; hosts?: number; failEvery?: number; unfinishedLast?: boolean } = {}): Report {
  const count = options.migrations ?? 40;
  const hostCount = options.hosts ?? 16;
  const failEvery = options.failEvery ?? 9;
  const hosts = Array.from({ length: hostCount }, (_, i) => ({
    name: `h-${i + 1}`,
    kernel: { preset: null, mmu: 'tdp' as const, pml: true, eagerSplit: false, recovery: 'zap-rmap' as const },
    rack: `rack-${Math.floor(i / 4) + 1}`,
  }));
  const migrations: MigrationReport[] = [];
  const vms: VmReport[] = [];
  for (let k = 0; k < count; k++) {
    const totalMs = 4000 + ((k * 7919) % 23) * 1000 + k * 10;
    const startMs = 1000 + (k % 8) * 500 + Math.floor(k / 8) * 9000;
    const failed = k % failEvery === failEvery - 1;
    const unfinished = k === count - 1 && (options.unfinishedLast ?? true);
    const info = studyInfo({
      status: failed ? 'failed' : unfinished ? 'active' : 'completed',
      'total-time': totalMs,
      ...(failed || unfinished ? { downtime: undefined, 'error-desc': failed ? 'destination crashed' : undefined } : { downtime: 20 + (k % 13) * 7 }),
      ram: { ...studyInfo({}).ram, transferred: (k + 1) * 150_000_000, 'dirty-sync-count': 2 + (k % 5) },
    });
    migrations.push({
      id: `drain/vm-${k + 1}`,
      vm: `vm-${k + 1}`,
      source: `h-${(k % 4) + 1}`,
      destination: `h-${5 + (k % (hostCount - 4))}`,
      algorithm: 'qemu-precopy',
      outcome: failed ? 'failed' : unfinished ? 'unfinished' : 'completed',
      requestedMs: 1000,
      attempts: [
        {
          attempt: 1,
          startMs,
          endMs: unfinished ? null : startMs + totalMs,
          outcome: failed ? 'failed' : unfinished ? 'unfinished' : 'completed',
          ...(failed ? { reason: 'destination crashed' } : {}),
          phases: [],
          info,
          lostWorkVcpuSeconds: 0.05 + ((k * 31) % 17) / 10,
        },
      ],
    });
    const timeline = Array.from({ length: 30 }, (_, i) => ({ tMs: (i + 1) * 2000, relativeThroughput: i * 2000 >= startMs && i * 2000 < startMs + totalMs ? 0.8 - (k % 7) / 20 : 1, hugeFraction: 0.9, fraction4k: 0.1, dirtyLogging: false }));
    vms.push({ name: `vm-${k + 1}`, host: `h-${(k % 4) + 1}`, memoryBytes: (2 + (k % 15)) * 1024 ** 3, vcpus: 2, timeline, recoveries: [] });
  }
  const tiers: TierUsage[] = (['nic', 'uplink'] as const).map((tier, t) => ({
    tier,
    links: tier === 'nic' ? 2 * hostCount : 2 * Math.ceil(hostCount / 4),
    capacityBytesPerSec: tier === 'nic' ? 2 * hostCount * 1.25e9 : 2 * Math.ceil(hostCount / 4) * 1e10,
    points: Array.from({ length: 12 }, (_, i) => ({ tMs: (i + 1) * 10_000, meanFraction: ((i * 3 + t) % 7) / 20, maxFraction: Math.min(1, ((i * 5 + t) % 11) / 10), busyLinks: (i * 3) % (tier === 'nic' ? 9 : 4) })),
  }));
  return buildReport({
    generatedBy: { tool: 'migsim', version: '0.1.0' },
    scenario: { name: 'sample-study', description: 'Synthetic study data for the renderers', file: null },
    seed: 1,
    engine: 'in-process',
    horizonMs: 600_000,
    variants: [{ name: 'default', description: null, hosts, migrations, vms, events: [], checks: [], network: { migrationNetwork: false, tiers } }],
  });
}
