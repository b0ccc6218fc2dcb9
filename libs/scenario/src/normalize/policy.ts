import { NOVA_DOWNTIME_DEFAULTS } from '../document/policy-schema';
import type { ScenarioDocument } from '../document/scenario-schema';
import type { PolicySpec } from '../model/scenario';
import { parseDuration } from '../units/duration';

type PolicyDocument = ScenarioDocument['policy'];

function novaDefaultNs(input: string | number, bareNumberUnit: 's' | 'ms'): number {
  const parsed = parseDuration(input, { bareNumberUnit });
  if (!parsed.ok) throw new Error(`Nova default ${String(input)} does not parse`);
  return parsed.value;
}

export function normalizePolicy(written: PolicyDocument): PolicySpec {
  const steppingOn =
    written.live_migration_downtime !== undefined || written.live_migration_downtime_steps !== undefined || written.live_migration_downtime_delay !== undefined;
  const forceComplete = written.live_migration_timeout_action === 'force_complete' || written.allowWorkloadDisruption;
  return {
    parallelMigrationsPerCluster: written.parallelMigrationsPerCluster,
    parallelOutboundMigrationsPerNode: written.parallelOutboundMigrationsPerNode,
    parallelInboundMigrationsPerNode: written.parallelInboundMigrationsPerNode ?? null,
    bandwidthPerMigrationBytesPerSec: written.bandwidthPerMigration ?? null,
    completionTimeoutNsPerGiB: written.completionTimeoutPerGiB,
    progressTimeoutNs: written.progressTimeout,
    allowAutoConverge: written.allowAutoConverge,
    allowPostCopy: written.allowPostCopy,
    allowWorkloadDisruption: written.allowWorkloadDisruption,
    liveMigrationTimeoutAction: written.live_migration_timeout_action,
    completionTimeoutAction: forceComplete ? 'force_complete' : 'abort',
    downtimeSteps: steppingOn
      ? {
          maxDowntimeNs: written.live_migration_downtime ?? novaDefaultNs(NOVA_DOWNTIME_DEFAULTS.live_migration_downtime, 'ms'),
          steps: written.live_migration_downtime_steps ?? NOVA_DOWNTIME_DEFAULTS.live_migration_downtime_steps,
          delayNsPerGiB: written.live_migration_downtime_delay ?? novaDefaultNs(NOVA_DOWNTIME_DEFAULTS.live_migration_downtime_delay, 's'),
        }
      : null,
    retries: {
      max: written.retries.max,
      backoffNs: written.retries.backoff,
      multiplier: written.retries.multiplier,
      maxBackoffNs: written.retries.maxBackoff,
    },
  };
}
