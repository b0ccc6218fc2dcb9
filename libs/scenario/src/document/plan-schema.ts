import { field, s } from '../schema/builders';
import { isMapping } from '../schema/issues';
import { nameSetSchema } from './distribution-schemas';
import { migrationParamsSchema } from './migration-schema';

export const DRAIN_ORDERS = ['name', 'largest-first', 'smallest-first', 'highest-dirty-rate', 'lowest-dirty-rate', 'dirty-rate'] as const;
export const DRAIN_DESTINATIONS = ['least-loaded', 'same-rack-first'] as const;

const drainedHostsSchema = s.object(
  { hosts: field.required(nameSetSchema(), 'Hosts to empty: names, ranges such as h-1..h-20, rack names.') },
  { noun: 'a host set such as { hosts: h-1..h-20 }' },
);
export const PROBE_MODES = ['dirty-bitmap', 'page-sampling'] as const;

export const probeModeSchema = s.enumOf(PROBE_MODES, {
  'dirty-bitmap': 'Turn dirty logging on for the probe and off after it: splits huge pages and needs the recovery path.',
  'page-sampling': 'Sample pages without touching SPTEs: no side effect on the guest.',
});

const drainPlanSchema = s.object(
  {
    drain: field.required(
      s.either(s.nameTemplate(), drainedHostsSchema, isMapping),
      'Host to empty (with count, {i} becomes the plan\'s number), or { hosts: <set> } to empty several at once: every VM on them at `at` is migrated away.',
    ),
    id: field.optional(s.nameTemplate(), 'Plan id; generated migrations are named <id>/<vm>.', 'drain-<host>, or drain-<first>..<last> for several'),
    count: field.optional(s.integer({ min: 1, max: 100_000 }), 'Declare this many drains, {i} = 1..count in drain and id (waves: with every).', '1'),
    every: field.optional(s.duration(), 'With count: drain i starts at at + (i - 1) x every.', '0s: all at once'),
    at: field.required(s.duration({ allowZero: true }), 'When the drain starts.'),
    to: field.optional(nameSetSchema(), 'Candidate destinations: names, ranges such as h-21..h-500, rack names.', 'every host not being drained'),
    order: field.defaulted(
      s.enumOf(DRAIN_ORDERS, {
        name: 'By VM name.',
        'largest-first': 'Largest memory first.',
        'smallest-first': 'Smallest memory first.',
        'highest-dirty-rate': 'Highest measured dirty rate first.',
        'lowest-dirty-rate': 'Lowest measured dirty rate first (most likely to converge).',
        'dirty-rate': 'Lowest declared dirty rate first (the workload\'s dirtyRate; no probe).',
      }),
      'name',
      'Order in which VMs are queued for migration (the admission caps decide how many run at once); ties and name order are natural (vm-2 before vm-10).',
    ),
    destination: field.defaulted(
      s.enumOf(DRAIN_DESTINATIONS, {
        'least-loaded': 'The candidate with the most free memory (ties: natural name order).',
        'same-rack-first': "The least loaded candidate in the VM's rack, else the least loaded anywhere.",
      }),
      'least-loaded',
      'How each VM\'s destination is chosen; VMs of one antiAffinity group never share a destination host.',
    ),
    probe: field.optional(probeModeSchema, 'How dirty rates are measured (dirty-rate orders only).', 'page-sampling with a dirty-rate order'),
    params: field.defaulted(migrationParamsSchema, {}, 'QEMU parameters of the generated migrations.'),
  },
  { noun: 'a drain plan' },
);

const balancePlanSchema = s.object(
  {
    balance: field.required(
      s.either(s.literal('all'), s.array(s.name(), 'host names', 2), Array.isArray),
      'Hosts to balance: a list of at least two, or all.',
    ),
    id: field.optional(s.name(), 'Plan id; generated migrations are named <id>/<vm>.', 'balance'),
    at: field.required(s.duration({ allowZero: true }), 'When balancing runs.'),
    tolerance: field.defaulted(s.fraction(), '10%', 'Stop when the memory utilisation of the fullest and emptiest host differ by at most this.'),
    maxMigrations: field.optional(s.integer({ min: 1 }), 'At most this many migrations.', 'no limit'),
    params: field.defaulted(migrationParamsSchema, {}, 'QEMU parameters of the generated migrations.'),
  },
  { noun: 'a balance plan' },
);

export const planSchema = s.keyed({ drain: drainPlanSchema, balance: balancePlanSchema }, 'a plan');

export const probeSchema = s.object(
  {
    id: field.optional(s.name(), 'Probe id.', 'probe-<vm>-<n>, n counting from 1 in file order'),
    vm: field.required(s.name(), 'VM whose dirty rate is measured.'),
    at: field.required(s.duration({ allowZero: true }), 'When the probe starts.'),
    duration: field.required(s.duration(), 'How long it measures.'),
    mode: field.required(probeModeSchema, 'How it measures.'),
  },
  { noun: 'a dirty-rate probe' },
);
