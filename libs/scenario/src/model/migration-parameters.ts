import { DEFAULT_MIGRATION_PARAMETERS, type MigrationParametersInput } from '@migsim/migration';
import { migrationPolicy, type MigrationPolicy } from '@migsim/orchestration';
import type { MigrationParams, PolicySpec } from './scenario';

/**
 * The largest max-bandwidth @migsim/migration accepts: what "not rate
 * limited" becomes, so the link alone sets the pace.
 */
export const UNLIMITED_BANDWIDTH_BYTES_PER_SEC = Number.MAX_SAFE_INTEGER;

/**
 * A migration's resolved parameters as @migsim/migration's
 * `migrationParameters()` input, under QEMU's names and units
 * (downtime-limit in ms, max-bandwidth in bytes/s). `postcopyAfter` is not a
 * QEMU parameter: the driver starts post-copy when it says so.
 */
export function toMigrationParameters(params: MigrationParams): MigrationParametersInput {
  return {
    algorithm: params.algorithm,
    'downtime-limit': params.downtimeLimitNs / 1e6,
    'max-bandwidth': params.maxBandwidthBytesPerSec ?? UNLIMITED_BANDWIDTH_BYTES_PER_SEC,
    'cpu-throttle-initial': params.cpuThrottleInitialPct,
    'cpu-throttle-increment': params.cpuThrottleIncrementPct,
    'max-cpu-throttle': params.maxCpuThrottlePct,
    capabilities: { 'auto-converge': params.autoConverge, 'postcopy-ram': params.postcopyRam },
    'postcopy-recovery': params.postcopyRecovery,
  };
}

export { DEFAULT_MIGRATION_PARAMETERS };

/**
 * The scenario's policy as @migsim/orchestration's `MigrationPolicy`
 * (admission caps, watchdogs, retries): the one mapping both drivers use.
 */
export function toMigrationPolicy(policy: PolicySpec): MigrationPolicy {
  return migrationPolicy({
    parallelMigrationsPerCluster: policy.parallelMigrationsPerCluster,
    parallelOutboundMigrationsPerNode: policy.parallelOutboundMigrationsPerNode,
    parallelInboundMigrationsPerNode: policy.parallelInboundMigrationsPerNode ?? Infinity,
    bandwidthPerMigrationBytesPerSec: policy.bandwidthPerMigrationBytesPerSec ?? 0,
    completionTimeoutPerGiBNs: policy.completionTimeoutNsPerGiB,
    progressTimeoutNs: policy.progressTimeoutNs,
    allowAutoConverge: policy.allowAutoConverge,
    allowPostCopy: policy.allowPostCopy,
    allowWorkloadDisruption: policy.allowWorkloadDisruption,
    timeoutAction: policy.completionTimeoutAction === 'force_complete' ? 'force-complete' : 'abort',
    maxAttempts: policy.retries.max + 1,
    retryBackoffInitialNs: policy.retries.backoffNs,
    retryBackoffMultiplier: Math.max(1, policy.retries.multiplier),
    retryBackoffMaxNs: policy.retries.maxBackoffNs,
  });
}
