import { field, s } from '../schema/builders';
import { DOWNTIME_LIMIT_MAX, MAX_BANDWIDTH_MIN } from '../limits/limit-options';

/** Nova's defaults for stepped downtime, applied when any of its keys is written. */
export const NOVA_DOWNTIME_DEFAULTS = {
  live_migration_downtime: '500ms',
  live_migration_downtime_steps: 10,
  live_migration_downtime_delay: 75,
} as const;

const retriesSchema = s.object(
  {
    max: field.defaulted(s.integer({ min: 0, max: 1000 }), 0, 'Attempts after the first (0 = no retry).'),
    backoff: field.defaulted(s.duration(), '10s', 'Delay before the first retry.'),
    multiplier: field.defaulted(s.number({ min: 1, max: 100 }), 2, 'Each next delay is the previous one times this.'),
    maxBackoff: field.defaulted(s.duration(), '5m', 'Longest delay between attempts.'),
  },
  { noun: 'a retry policy', description: 'Retries of failed migrations, with exponential backoff.' },
);

/**
 * Controller policy, under the names users know: KubeVirt's
 * MigrationConfiguration (camelCase) and Nova's libvirt options (snake_case).
 */
export const policySchema = s.object(
  {
    parallelMigrationsPerCluster: field.defaulted(s.integer({ min: 1 }), 5, 'KubeVirt: migrations running at once in the cluster.'),
    parallelOutboundMigrationsPerNode: field.defaulted(s.integer({ min: 1 }), 2, 'KubeVirt: migrations leaving one host at once.'),
    parallelInboundMigrationsPerNode: field.optional(s.integer({ min: 1 }), 'Migrations arriving at one host at once.', 'no cap'),
    bandwidthPerMigration: field.optional(
      s.rate({ allowZero: true, min: MAX_BANDWIDTH_MIN }),
      'KubeVirt: rate limit of each migration, at least 1B/s (0 = unlimited); a migration\'s own max-bandwidth wins.',
      'no policy cap',
    ),
    completionTimeoutPerGiB: field.defaulted(
      s.duration({ bareNumberUnit: 's', allowZero: true }),
      150,
      'KubeVirt: a migration must complete within this many seconds per GiB of VM memory (0 disables it).',
    ),
    progressTimeout: field.defaulted(
      s.duration({ bareNumberUnit: 's', allowZero: true }),
      150,
      'KubeVirt: abort when the remaining data has not shrunk for this long (0 disables it).',
    ),
    allowAutoConverge: field.defaulted(s.boolean(), false, 'KubeVirt: migrations use auto-converge unless their params say otherwise.'),
    allowPostCopy: field.defaulted(s.boolean(), false, 'KubeVirt: migrations may switch to post-copy unless their params say otherwise.'),
    allowWorkloadDisruption: field.defaulted(s.boolean(), false, 'KubeVirt: at the completion timeout, force completion (post-copy or pause) instead of aborting.'),
    live_migration_timeout_action: field.defaulted(
      s.enumOf(['abort', 'force_complete'] as const, {
        abort: 'Cancel the migration.',
        force_complete: 'Switch to post-copy if allowed, else pause the VM and finish.',
      }),
      'abort',
      'Nova: what the completion timeout does.',
    ),
    live_migration_downtime: field.optional(
      s.duration({ bareNumberUnit: 'ms', max: DOWNTIME_LIMIT_MAX }),
      'Nova: final downtime limit of stepped downtime, at most 2000s (QEMU\'s downtime-limit range); writing any live_migration_downtime* key turns stepping on.',
      `${NOVA_DOWNTIME_DEFAULTS.live_migration_downtime} when stepping is on`,
    ),
    live_migration_downtime_steps: field.optional(s.integer({ min: 1, max: 1000 }), 'Nova: number of downtime steps.', `${NOVA_DOWNTIME_DEFAULTS.live_migration_downtime_steps} when stepping is on`),
    live_migration_downtime_delay: field.optional(
      s.duration({ bareNumberUnit: 's' }),
      'Nova: delay between steps, per GiB of guest memory (a bare number is seconds).',
      `${NOVA_DOWNTIME_DEFAULTS.live_migration_downtime_delay} when stepping is on`,
    ),
    retries: field.defaulted(retriesSchema, {}, 'Retries of failed migrations.'),
  },
  { noun: 'a policy', description: 'Admission caps, timeouts and retries of the controller.' },
);
