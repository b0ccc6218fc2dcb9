import type { MigrationParametersInput } from '@migsim/migration';
import { migrationPolicy, type MigrationPolicy } from '@migsim/orchestration';
import type { MigrationParams, PolicySpec } from '@migsim/scenario';

/** The scenario's resolved migration parameters under QEMU's names (as the in-process engine maps them). */
export function qemuParamsOf(params: MigrationParams): MigrationParametersInput {
  return {
    algorithm: params.algorithm,
    'downtime-limit': params.downtimeLimitNs / 1e6,
    'max-bandwidth': params.maxBandwidthBytesPerSec ?? Number.MAX_SAFE_INTEGER,
    'cpu-throttle-initial': params.cpuThrottleInitialPct,
    'cpu-throttle-increment': params.cpuThrottleIncrementPct,
    'max-cpu-throttle': params.maxCpuThrottlePct,
    capabilities: { 'auto-converge': params.autoConverge, 'postcopy-ram': params.postcopyRam },
    'postcopy-recovery': params.postcopyRecovery,
  };
}

/** The scenario's policy as libs/orchestration's MigrationPolicy (admission caps, retries, timeouts). */
export function policyOf(policy: PolicySpec): MigrationPolicy {
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
