import type { ClusterMessage, ClusterMessageKind, Delivery } from '@migsim/cluster';
import { MIGRATION_ALGORITHMS, MIGRATION_STATUSES, type PageBatch, type QueryMigrateInfo, type RamStats } from '@migsim/migration';
import { PHASE_KINDS, type PhaseInterval } from '@migsim/report';
import type { MigrationParams } from '@migsim/scenario';
import fc from 'fast-check';
import type { ClusterMessageOfKind } from './cluster-message';

/**
 * fast-check arbitraries of valid cluster messages and deliveries, for
 * property tests (exported through `@migsim/protocol/testing`). They honour
 * the rules that span fields, so every value they make must decode:
 * `attemptId` is `<migration>#<attempt>`, ends are not before starts, a page
 * batch's ranges, version runs and page counts agree, only page data is lazy.
 */

// ---- scalars ------------------------------------------------------------------

const name = fc.string({ minLength: 1, maxLength: 12 });
const text = fc.string({ maxLength: 24 });
const count = fc.nat();
const attempt = fc.integer({ min: 1, max: 50 });
const round = fc.integer({ min: 1, max: 30 });
/** A finite number >= 0 with a fraction (never -0: JSON has no negative zero). */
const finite = (max = 1e15) => fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }).map((value) => value + 0);
const timeNs = finite();
const timeMs = finite(1e9);
const rate = finite(1e12);
const digest = fc.integer({ min: 0, max: 0xffff_ffff });

// ---- shapes inside messages ---------------------------------------------------

const postcopyTrigger: fc.Arbitrary<MigrationParams['postcopyAfter']> = fc.option(
  fc.oneof(fc.record({ type: fc.constant('elapsed' as const), afterNs: timeNs }), fc.record({ type: fc.constant('round' as const), round })),
  { nil: null },
);

const migrationParams: fc.Arbitrary<MigrationParams> = fc.record({
  downtimeLimitNs: timeNs,
  maxBandwidthBytesPerSec: fc.option(rate, { nil: null }),
  cpuThrottleInitialPct: fc.integer({ min: 1, max: 99 }),
  cpuThrottleIncrementPct: fc.integer({ min: 1, max: 99 }),
  maxCpuThrottlePct: fc.integer({ min: 1, max: 99 }),
  autoConverge: fc.boolean(),
  postcopyRam: fc.boolean(),
  postcopyAfter: postcopyTrigger,
  postcopyRecovery: fc.boolean(),
  algorithm: fc.constantFrom(...MIGRATION_ALGORITHMS),
});

const ramStats: fc.Arbitrary<RamStats> = fc.record(
  {
    transferred: rate,
    remaining: rate,
    total: rate,
    duplicate: count,
    normal: count,
    'normal-bytes': rate,
    'dirty-pages-rate': rate,
    mbps: rate,
    'dirty-sync-count': count,
    'precopy-bytes': rate,
    'downtime-bytes': rate,
    'postcopy-bytes': rate,
    'postcopy-requests': count,
    'page-size': fc.constant(4096),
  },
  { requiredKeys: ['transferred', 'remaining', 'total', 'duplicate', 'normal', 'normal-bytes', 'dirty-pages-rate', 'mbps', 'dirty-sync-count', 'precopy-bytes', 'downtime-bytes', 'postcopy-bytes'] },
);

const queryMigrateInfo: fc.Arbitrary<QueryMigrateInfo> = fc.record(
  {
    status: fc.constantFrom(...MIGRATION_STATUSES),
    'total-time': timeMs,
    downtime: timeMs,
    'setup-time': timeMs,
    'expected-downtime': timeMs,
    ram: ramStats,
    'cpu-throttle-percentage': finite(100),
    'error-desc': text,
  },
  { requiredKeys: ['status', 'total-time', 'setup-time', 'ram'] },
);

const phaseInterval: fc.Arbitrary<PhaseInterval> = fc
  .record({ phase: fc.constantFrom(...PHASE_KINDS), round: fc.option(round, { nil: null }), startMs: timeMs, lengthMs: timeMs })
  .map(({ lengthMs, ...phase }) => ({ ...phase, endMs: phase.startMs + lengthMs }));

const switchoverMode = fc.constantFrom('precopy' as const, 'postcopy-start' as const, 'postcopy-end' as const, 'fluid' as const);

/** `[first, count, ...]` pairs: gfns from 0, counts from 1. */
const gfnRanges = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 512 })), { maxLength: 10 }).map((pairs) => pairs.flat());

/** A page batch whose ranges, version runs and page counts agree. */
export const pageBatchArbitrary: fc.Arbitrary<PageBatch> = fc
  .record(
    {
      migrationId: name,
      seq: count,
      kind: fc.constantFrom('pages' as const, 'fluid' as const, 'device-state' as const, 'postcopy-package' as const),
      phase: fc.constantFrom('setup' as const, 'round' as const, 'stop-and-copy' as const, 'postcopy' as const, 'postcopy-paused' as const, 'completed' as const, 'failed' as const, 'cancelled' as const),
      syncCount: count,
      ranges: gfnRanges,
      versions: fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 600 })), { minLength: 1, maxLength: 12 }),
      zeroShare: fc.double({ min: 0, max: 1, noNaN: true }),
      wireBytes: rate,
      urgent: fc.boolean(),
      discardRanges: gfnRanges,
    },
    { requiredKeys: ['migrationId', 'seq', 'kind', 'phase', 'syncCount', 'ranges', 'versions', 'zeroShare', 'wireBytes'] },
  )
  .map(({ versions, zeroShare, ...batch }) => {
    let pages = 0;
    for (let i = 1; i < batch.ranges.length; i += 2) pages += batch.ranges[i]!;
    const versionRuns: number[] = [];
    for (let left = pages, i = 0; left > 0; i++) {
      const [version, length] = versions[i % versions.length]!;
      const run = Math.min(left, length);
      versionRuns.push(version, run);
      left -= run;
    }
    const zeroPageCount = Math.floor(pages * zeroShare);
    return { ...batch, versionRuns, zeroPageCount, normalPageCount: pages - zeroPageCount };
  });

// ---- one arbitrary per kind ---------------------------------------------------

/** Migration and attempt with the `attemptId` they spell. */
const attemptOf = fc.record({ migration: name, attempt }).map(({ migration, attempt: number }) => ({ migration, attempt: number, attemptId: `${migration}#${number}` }));

export const clusterMessageArbitraries: { readonly [K in ClusterMessageKind]: fc.Arbitrary<ClusterMessageOfKind<K>> } = {
  'migration.start': fc
    .record({
      ids: attemptOf,
      vm: name,
      destination: name,
      params: migrationParams,
      watchdog: fc.record({
        completionTimeoutPerGiBNs: timeNs,
        progressTimeoutNs: timeNs,
        allowPostCopy: fc.boolean(),
        allowWorkloadDisruption: fc.boolean(),
        timeoutAction: fc.constantFrom('abort' as const, 'force-complete' as const),
      }),
      downtimeSteps: fc.option(fc.record({ maxDowntimeNs: timeNs, steps: fc.integer({ min: 1, max: 1000 }), delayNsPerGiB: timeNs }), { nil: null }),
      rateBytesPerSec: rate,
      burstRateBytesPerSec: rate,
      latencyNs: timeNs,
      reportPhases: fc.boolean(),
    })
    .map(({ ids, ...start }) => ({ kind: 'migration.start' as const, migration: ids.migration, attempt: ids.attempt, attemptId: ids.attemptId, ...start })),
  'migration.rate': fc.record({ kind: fc.constant('migration.rate' as const), attemptId: name, rateBytesPerSec: rate, burstRateBytesPerSec: rate, latencyNs: timeNs, pathUp: fc.boolean() }),
  'migration.cancel': fc.record({ kind: fc.constant('migration.cancel' as const), attemptId: name, reason: text }),
  'host.crash': fc.record({ kind: fc.constant('host.crash' as const), reason: text }),
  'host.recover': fc.constant({ kind: 'host.recover' as const }),
  'probe.start': fc.record({
    kind: fc.constant('probe.start' as const),
    probe: name,
    vm: name,
    mode: fc.constantFrom('dirty-bitmap' as const, 'page-sampling' as const),
    durationNs: timeNs,
    reportRate: fc.boolean(),
  }),
  'migration.phase': fc.record({ kind: fc.constant('migration.phase' as const), migration: name, attempt, vm: name, phase: name, round: fc.option(round, { nil: null }) }),
  'migration.ended': fc
    .record({
      migration: name,
      attempt,
      vm: name,
      outcome: fc.constantFrom('completed' as const, 'failed' as const, 'cancelled' as const, 'aborted' as const),
      reason: text,
      startNs: timeNs,
      lengthNs: timeNs,
      phases: fc.array(phaseInterval, { maxLength: 5 }),
      info: queryMigrateInfo,
      vmAfter: fc.constantFrom('on-source' as const, 'on-destination' as const, 'lost' as const, 'down' as const),
      lostWorkVcpuNs: fc.option(timeNs, { nil: undefined }),
    })
    .map(({ lengthNs, ...ended }) => ({ kind: 'migration.ended' as const, ...ended, endNs: ended.startNs + lengthNs })),
  'vm.resumed': fc.record({ kind: fc.constant('vm.resumed' as const), vm: name, host: name, migration: name, attempt }),
  'probe.ended': fc.record({ kind: fc.constant('probe.ended' as const), probe: name, vm: name, rateBytesPerSec: fc.option(rate, { nil: null }) }),
  'stream.prepare': fc
    .record({
      ids: attemptOf,
      vm: name,
      source: name,
      layout: fc.record({ slots: fc.array(fc.record({ id: count, baseGfn: count, npages: fc.integer({ min: 1, max: 2 ** 30 }) }), { maxLength: 4 }) }),
      memoryModel: fc.constantFrom('pages' as const, 'fluid' as const),
      latencyNs: timeNs,
      rateBytesPerSec: rate,
      placement: count,
    })
    .map(({ ids, ...prepare }) => ({ kind: 'stream.prepare' as const, attemptId: ids.attemptId, migration: ids.migration, attempt: ids.attempt, ...prepare })),
  'stream.batch': fc.record({ kind: fc.constant('stream.batch' as const), attemptId: name, batch: pageBatchArbitrary }),
  'stream.resume': switchMessage('stream.resume'),
  'stream.complete': switchMessage('stream.complete'),
  'stream.discard': fc.record({ kind: fc.constant('stream.discard' as const), attemptId: name, reason: text }),
  'stream.rate': fc.record({ kind: fc.constant('stream.rate' as const), attemptId: name, rateBytesPerSec: rate, latencyNs: timeNs }),
  'stream.resumed': answerMessage('stream.resumed'),
  'stream.completed': answerMessage('stream.completed'),
  'stream.page-request': fc.record({ kind: fc.constant('stream.page-request' as const), attemptId: name, gfns: fc.array(count, { maxLength: 20 }) }),
  'stream.peer-lost': fc.record({ kind: fc.constant('stream.peer-lost' as const), attemptId: name, reason: text }),
};

function switchMessage<K extends 'stream.resume' | 'stream.complete'>(kind: K) {
  return fc.record({
    kind: fc.constant(kind),
    attemptId: name,
    check: fc.record({ migrationId: name, mode: switchoverMode, precedingBatchCount: count, versionsDigest: fc.option(digest, { nil: null }), absentPageCount: count }),
  });
}

function answerMessage<K extends 'stream.resumed' | 'stream.completed'>(kind: K) {
  return fc.record({
    kind: fc.constant(kind),
    attemptId: name,
    verification: fc.record(
      {
        verified: fc.option(fc.boolean(), { nil: null }),
        mode: switchoverMode,
        sourceDigest: fc.option(digest, { nil: null }),
        destinationDigest: fc.option(digest, { nil: null }),
        absentPageCount: count,
        detail: text,
      },
      { requiredKeys: ['verified', 'mode', 'sourceDigest', 'destinationDigest', 'absentPageCount'] },
    ),
  });
}

/** Any valid message, every kind alike. */
export const clusterMessageArbitrary: fc.Arbitrary<ClusterMessage> = fc.oneof(...Object.values(clusterMessageArbitraries) as fc.Arbitrary<ClusterMessage>[]);

/** A valid delivery of `message` (any message by default); lazy only when it carries page data. */
export function clusterDeliveryArbitrary(message: fc.Arbitrary<ClusterMessage> = clusterMessageArbitrary): fc.Arbitrary<Delivery<ClusterMessage>> {
  return fc
    .record({
      from: name,
      fromRank: fc.nat({ max: 10_000 }),
      to: name,
      seq: count,
      sentNs: finite(1e12),
      latencyNs: fc.double({ min: 1, max: 1e9, noNaN: true }),
      lazy: fc.boolean(),
      message,
    })
    .map(({ latencyNs, lazy, ...delivery }) => ({
      from: delivery.from,
      fromRank: delivery.fromRank,
      to: delivery.to,
      seq: delivery.seq,
      sentNs: delivery.sentNs,
      deliverNs: delivery.sentNs + latencyNs,
      lazy: lazy && delivery.message.kind === 'stream.batch',
      message: delivery.message,
    }));
}
