/**
 * The migration policy knobs, named as KubeVirt users know them
 * (`MigrationConfiguration`, kubevirt pkg/virt-config/virt-config.go), with
 * the few that KubeVirt lacks borrowed from oVirt VDSM and Nova. Times in ns,
 * rates in bytes/s.
 */
export type TimeoutAction = 'abort' | 'force-complete';

export interface MigrationPolicy {
  /** KubeVirt `parallelMigrationsPerCluster` (default 5): migrations running at once in the cluster. */
  parallelMigrationsPerCluster: number;
  /** KubeVirt `parallelOutboundMigrationsPerNode` (default 2): migrations leaving one host at once. */
  parallelOutboundMigrationsPerNode: number;
  /**
   * Migrations entering one host at once; Infinity = no cap. KubeVirt has no such cap;
   * VDSM's `max_incoming_migrations` (default 2) does, "a last stand against migration storms".
   */
  parallelInboundMigrationsPerNode: number;
  /** KubeVirt `bandwidthPerMigration` in bytes/s; 0 = unlimited (KubeVirt's default "0Mi"). */
  bandwidthPerMigrationBytesPerSec: number;
  /**
   * KubeVirt `completionTimeoutPerGiB` (default 150 s): the migration is aborted when it
   * has run longer than this x the VM's memory in GiB (virt-launcher `liveMigrationMonitor`,
   * `acceptableCompletionTime`). 0 disables the watchdog.
   */
  completionTimeoutPerGiBNs: number;
  /**
   * KubeVirt `progressTimeout` (default 150 s): aborted when the remaining data has not
   * reached a new low for this long ("Live migration stuck for N sec"). 0 disables it.
   */
  progressTimeoutNs: number;
  /** KubeVirt `allowAutoConverge` (default false): QEMU auto-converge capability. */
  allowAutoConverge: boolean;
  /**
   * KubeVirt `allowPostCopy` (default false): migrations start in pre-copy and switch to
   * post-copy when the completion timeout fires, instead of being aborted.
   */
  allowPostCopy: boolean;
  /**
   * KubeVirt `allowWorkloadDisruption` (defaults to `allowPostCopy`): when the completion
   * timeout fires, do not cancel; switch to post-copy if allowed, else pause the VM so it completes.
   */
  allowWorkloadDisruption: boolean;
  /**
   * Nova `live_migration_timeout_action` (abort | force_complete, default abort): what the
   * completion timeout does when workload disruption is not allowed.
   */
  timeoutAction: TimeoutAction;
  /** Attempts per VM, the first included (>= 1; Infinity = retry forever, as KubeVirt does for evacuations). */
  maxAttempts: number;
  /**
   * First retry delay after a failed attempt (KubeVirt `handleMigrationBackoff`: 20 s, then
   * doubled for every further consecutive failure of the same VM's evacuation).
   */
  retryBackoffInitialNs: number;
  /** Each further consecutive failure multiplies the delay by this (KubeVirt: 2). */
  retryBackoffMultiplier: number;
  /** Cap on the retry delay; Infinity = none (KubeVirt has none). */
  retryBackoffMaxNs: number;
}

const SECOND_NS = 1_000_000_000;

export const DEFAULT_MIGRATION_POLICY: Readonly<MigrationPolicy> = Object.freeze({
  parallelMigrationsPerCluster: 5,
  parallelOutboundMigrationsPerNode: 2,
  parallelInboundMigrationsPerNode: 2,
  bandwidthPerMigrationBytesPerSec: 0,
  completionTimeoutPerGiBNs: 150 * SECOND_NS,
  progressTimeoutNs: 150 * SECOND_NS,
  allowAutoConverge: false,
  allowPostCopy: false,
  allowWorkloadDisruption: false,
  timeoutAction: 'abort',
  maxAttempts: 3,
  retryBackoffInitialNs: 20 * SECOND_NS,
  retryBackoffMultiplier: 2,
  retryBackoffMaxNs: Infinity,
});

/** The default policy with `overrides` applied; `allowWorkloadDisruption` follows `allowPostCopy` unless given, as in KubeVirt. */
export function migrationPolicy(overrides: Partial<MigrationPolicy> = {}): MigrationPolicy {
  const policy: MigrationPolicy = {
    ...DEFAULT_MIGRATION_POLICY,
    ...overrides,
    allowWorkloadDisruption: overrides.allowWorkloadDisruption ?? overrides.allowPostCopy ?? DEFAULT_MIGRATION_POLICY.allowWorkloadDisruption,
  };
  for (const key of ['parallelMigrationsPerCluster', 'parallelOutboundMigrationsPerNode', 'parallelInboundMigrationsPerNode', 'maxAttempts'] as const) {
    const value = policy[key];
    // Infinity = no cap (e.g. no inbound cap at all).
    if (!(value === Infinity || (Number.isInteger(value) && value >= 1))) {
      throw new RangeError(`policy ${key} must be an integer >= 1 or Infinity, got ${value}`);
    }
  }
  if (!(policy.retryBackoffMultiplier >= 1)) {
    throw new RangeError(`policy retryBackoffMultiplier must be >= 1, got ${policy.retryBackoffMultiplier}`);
  }
  return policy;
}
