import { DEFAULT_MIGRATION_PARAMETERS, MIGRATION_ALGORITHMS, QEMU_PARAMETER_RANGES } from '@migsim/migration';
import { DOWNTIME_LIMIT_MAX, MAX_BANDWIDTH_MIN } from '../limits/limit-options';
import { field, s } from '../schema/builders';
import { formatRate } from '../units/format-units';

/** QEMU's defaults, as @migsim/migration models them (DEFAULT_MIGRATION_PARAMETERS). */
const QEMU = DEFAULT_MIGRATION_PARAMETERS;
export const QEMU_DEFAULT_MAX_BANDWIDTH = formatRate(QEMU['max-bandwidth']);

const roundSchema = s.object(
  { round: field.required(s.integer({ min: 1 }), 'Switch after this pre-copy round (counted from 1).') },
  { noun: 'a round such as { round: 3 }' },
);

/** Parameters and capabilities under QEMU's own names and units. */
export const migrationParamsSchema = s.object(
  {
    'downtime-limit': field.defaulted(
      s.duration({ bareNumberUnit: 'ms', allowZero: true, max: DOWNTIME_LIMIT_MAX }),
      `${QEMU['downtime-limit']}ms`,
      'Longest acceptable pause at switchover, 0 to 2000s as in QEMU (a bare number is milliseconds, as in QEMU).',
    ),
    'max-bandwidth': field.optional(
      s.rate({ allowZero: true, min: MAX_BANDWIDTH_MIN }),
      'Rate limit of the migration stream, at least 1B/s (a bare number is bytes/s, as in QEMU; 0 = unlimited).',
      `policy.bandwidthPerMigration, else ${QEMU_DEFAULT_MAX_BANDWIDTH}`,
    ),
    'cpu-throttle-initial': field.defaulted(s.percentInteger(QEMU_PARAMETER_RANGES['cpu-throttle-initial'].min, QEMU_PARAMETER_RANGES['cpu-throttle-initial'].max), QEMU['cpu-throttle-initial'], 'Auto-converge: first throttle, percent.'),
    'cpu-throttle-increment': field.defaulted(s.percentInteger(QEMU_PARAMETER_RANGES['cpu-throttle-increment'].min, QEMU_PARAMETER_RANGES['cpu-throttle-increment'].max), QEMU['cpu-throttle-increment'], 'Auto-converge: throttle step, percent.'),
    'max-cpu-throttle': field.defaulted(s.percentInteger(QEMU_PARAMETER_RANGES['max-cpu-throttle'].min, QEMU_PARAMETER_RANGES['max-cpu-throttle'].max), QEMU['max-cpu-throttle'], 'Auto-converge: highest throttle, percent.'),
    'auto-converge': field.optional(s.boolean(), 'Capability: throttle the guest when it dirties memory faster than it is sent.', 'policy.allowAutoConverge'),
    'postcopy-ram': field.optional(s.boolean(), 'Capability: allow switching to post-copy.', 'policy.allowPostCopy'),
    'postcopy-after': field.optional(
      s.either(s.duration(), roundSchema),
      'Switch to post-copy this long after the start, or after a round ({ round: N }); needs postcopy-ram.',
      'only when the completion timeout forces it',
    ),
    'postcopy-recovery': field.defaulted(s.boolean(), QEMU['postcopy-recovery'], 'A network failure during post-copy pauses the migration instead of losing the VM; it resumes when the path is back.'),
    algorithm: field.defaulted(
      s.enumOf(MIGRATION_ALGORITHMS, {
        'qemu-precopy': 'QEMU pre-copy (with auto-converge and post-copy).',
        xen: "Xen's: 29 iterations, 3x memory, < 50 pages.",
        simgrid: "SimGrid's: 30 ms maximum downtime, fluid model.",
        cloudsim: "CloudSim's: fixed delay RAM / (bandwidth / 2).",
      }),
      QEMU.algorithm,
      'Migration algorithm.',
    ),
  },
  { noun: 'migration parameters', description: 'QEMU migration parameters and capabilities.' },
);

export const migrationSchema = s.object(
  {
    id: field.required(s.nameTemplate(), 'Migration id, referenced by faults and checks (with count: a template, {i} = 1..count).'),
    count: field.optional(s.integer({ min: 1, max: 1_000_000 }), 'Declare this many migrations: {i} in id, vm and to becomes 1..count.', '1'),
    vm: field.required(s.nameTemplate(), 'VM to migrate (with count: vm-{i}).'),
    to: field.required(s.nameTemplate(), 'Destination host (with count: h-{i}).'),
    at: field.required(s.duration({ allowZero: true }), 'When the migration is requested.'),
    every: field.optional(s.duration(), 'With count: migration i is requested at at + (i - 1) x every.', '0s: all at once'),
    params: field.defaulted(migrationParamsSchema, {}, 'QEMU migration parameters.'),
  },
  { noun: 'a migration' },
);
