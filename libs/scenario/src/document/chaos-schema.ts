import type { ChaosKindName, ChaosKindSpec, ChaosTargets, Distribution } from '../model/chaos';
import type { ChaosKindContext } from '../normalize/chaos-kind-context';
import { field, s } from '../schema/builders';
import type { Fields, ObjectValue } from '../schema/object-schema';
import type { RateOptions } from '../units/rate';
import { LINK_RATE } from '../limits/limit-options';

/**
 * The `chaos:` section: rates and probabilities per fault kind, from which
 * each run's seed draws the run's faults (TigerBeetle's VOPR: the seed draws
 * the fault knobs; with `swarm`, also which kinds are on). Every kind lives
 * in one table, `CHAOS_KINDS`, like FAULT_KINDS: its description, its own
 * keys and how it becomes a normalised `ChaosKindSpec`.
 */

/** `10s`, `{ min: 1s, max: 30s }` (uniform) or `{ mean: 5s, max: 1m }` (exponential, capped). */
function durationDistribution(allowZero = false) {
  return s.either(
    s.duration({ allowZero }),
    s.object(
      {
        min: field.optional(s.duration({ allowZero }), 'Smallest value (uniform between min and max).'),
        max: field.optional(s.duration({ allowZero }), 'Largest value (with min: uniform; with mean: the cap).'),
        mean: field.optional(s.duration(), 'Mean of an exponential distribution.'),
      },
      { noun: 'a duration distribution such as { min: 1s, max: 30s } or { mean: 5s }', exactlyOneOf: [['min', 'mean']] },
    ),
  );
}

/** One schema per shape, so the reference describes each once and links to it. */
const DURATION_DISTRIBUTION = durationDistribution();
const DELAY_DISTRIBUTION = durationDistribution(true);

function rateRange(options: RateOptions = {}) {
  return s.either(
    s.rate(options),
    s.object(
      {
        min: field.required(s.rate(options), 'Smallest value.'),
        max: field.required(s.rate(options), 'Largest value.'),
      },
      { noun: 'a rate range such as { min: 10MB/s, max: 50MB/s } (uniform)' },
    ),
  );
}

function countRange() {
  return s.either(
    s.integer({ min: 1, max: 100 }),
    s.object(
      {
        min: field.required(s.integer({ min: 1, max: 100 }), 'Smallest count.'),
        max: field.required(s.integer({ min: 1, max: 100 }), 'Largest count.'),
      },
      { noun: 'a count range such as { min: 2, max: 5 } (uniform)' },
    ),
  );
}

export const CHAOS_PHASES = ['setup', 'round', 'stop-and-copy'] as const;

const perHostHourField = field.optional(
  s.number({ min: 0, max: 1_000_000 }),
  'Faults per host per hour of the chaos window: a Poisson process on each host of hosts.',
  '0',
);
const hostsField = field.optional(s.array(s.name(), 'host names', 1), 'Hosts the per-host-hour faults strike.', 'every host');
const roundFields = {
  perRound: field.optional(
    s.fraction(),
    'Probability that the fault strikes a migration in each phase step it goes through: setup, each pre-copy round 1..rounds, stop-and-copy (as phases allow).',
    '0',
  ),
  migrations: field.optional(
    s.array(s.migrationRef(), 'migration ids', 1),
    'Migrations the per-round faults strike.',
    'every explicit migration and every migration of a drain plan',
  ),
  phases: field.defaulted(
    s.array(s.enumOf(CHAOS_PHASES), 'phases', 1),
    ['round'],
    'Phase steps a per-round fault may strike (setup, round, stop-and-copy).',
  ),
  rounds: field.defaulted(s.integer({ min: 1, max: 1000 }), 10, 'Pre-copy rounds 1..rounds are phase steps a per-round fault may strike.'),
  after: field.defaulted(DELAY_DISTRIBUTION, { min: '0s', max: '5s' }, 'Delay of a per-round fault after its phase step starts.'),
};
const timeAndRoundFields = { perHostHour: perHostHourField, hosts: hostsField, ...roundFields };
const linkNote = 'Per host-hour it hits the host\'s whole NIC; per round, the migration\'s path.';

interface ChaosKindDefinition<F extends Fields = Fields> {
  readonly description: string;
  readonly fields: F;
  readonly normalize: (entry: ObjectValue<F>, context: ChaosKindContext) => ChaosKindSpec | undefined;
}

export interface AnyChaosKind {
  readonly description: string;
  readonly fields: Fields;
  readonly normalize: (entry: never, context: ChaosKindContext) => ChaosKindSpec | undefined;
}

function defineChaosKind<F extends Fields>(definition: ChaosKindDefinition<F>): ChaosKindDefinition<F> {
  return definition;
}

function targets(entry: Parameters<ChaosKindContext['targets']>[0], context: ChaosKindContext): ChaosTargets | undefined {
  return context.targets(entry);
}

function distributionOf(context: ChaosKindContext, key: string, value: unknown): Distribution | undefined {
  return context.distribution(key, value);
}

export const CHAOS_KINDS = {
  'host-crash': defineChaosKind({
    description: 'A host crashes and comes back empty after downFor. Per round, the migration\'s destination crashes (as destination-crash without a host).',
    fields: {
      ...timeAndRoundFields,
      downFor: field.defaulted(DURATION_DISTRIBUTION, { min: '10s', max: '2m' }, 'How long a crashed host stays down.'),
    },
    normalize: (entry, context) => {
      const base = targets(entry, context);
      const downForNs = distributionOf(context, 'downFor', entry.downFor);
      return base === undefined || downForNs === undefined ? undefined : { kind: 'host-crash', ...base, downForNs };
    },
  }),
  'link-down': defineChaosKind({
    description: `The link carries nothing for a while. ${linkNote}`,
    fields: {
      ...timeAndRoundFields,
      duration: field.defaulted(DURATION_DISTRIBUTION, { min: '1s', max: '30s' }, 'How long the link stays down.'),
    },
    normalize: (entry, context) => {
      const base = targets(entry, context);
      const durationNs = distributionOf(context, 'duration', entry.duration);
      return base === undefined || durationNs === undefined ? undefined : { kind: 'link-down', ...base, durationNs };
    },
  }),
  'link-flap': defineChaosKind({
    description: `The link goes down and up again several times: flaps outages of down each, up apart. ${linkNote}`,
    fields: {
      ...timeAndRoundFields,
      flaps: field.defaulted(countRange(), { min: 2, max: 5 }, 'Outages in one episode.'),
      down: field.defaulted(DURATION_DISTRIBUTION, { min: '500ms', max: '5s' }, 'How long each outage lasts.'),
      up: field.defaulted(DURATION_DISTRIBUTION, { min: '1s', max: '10s' }, 'How long the link is up between two outages.'),
    },
    normalize: (entry, context) => {
      const base = targets(entry, context);
      const flaps = context.countRange('flaps', entry.flaps);
      const downNs = distributionOf(context, 'down', entry.down);
      const upNs = distributionOf(context, 'up', entry.up);
      if (base === undefined || flaps === undefined || downNs === undefined || upNs === undefined) return undefined;
      return { kind: 'link-flap', ...base, flaps, downNs, upNs };
    },
  }),
  'bandwidth-drop': defineChaosKind({
    description: `The link's capacity drops for a while. ${linkNote}`,
    fields: {
      ...timeAndRoundFields,
      bandwidth: field.required(rateRange(LINK_RATE), 'Capacity while the drop lasts, 1Mbps to 10Tbps.'),
      duration: field.defaulted(DURATION_DISTRIBUTION, { min: '5s', max: '1m' }, 'How long the drop lasts.'),
    },
    normalize: (entry, context) => {
      const base = targets(entry, context);
      const bandwidthBytesPerSec = context.rateRange('bandwidth', entry.bandwidth);
      const durationNs = distributionOf(context, 'duration', entry.duration);
      if (base === undefined || bandwidthBytesPerSec === undefined || durationNs === undefined) return undefined;
      return { kind: 'bandwidth-drop', ...base, bandwidthBytesPerSec, durationNs };
    },
  }),
  'latency-spike': defineChaosKind({
    description: `Extra one-way latency for a while. ${linkNote}`,
    fields: {
      ...timeAndRoundFields,
      latency: field.required(DURATION_DISTRIBUTION, 'Added one-way latency.'),
      duration: field.defaulted(DURATION_DISTRIBUTION, { min: '1s', max: '30s' }, 'How long the spike lasts.'),
    },
    normalize: (entry, context) => {
      const base = targets(entry, context);
      const latencyNs = distributionOf(context, 'latency', entry.latency);
      const durationNs = distributionOf(context, 'duration', entry.duration);
      if (base === undefined || latencyNs === undefined || durationNs === undefined) return undefined;
      return { kind: 'latency-spike', ...base, latencyNs, durationNs };
    },
  }),
  cancel: defineChaosKind({
    description: 'The operator cancels the migration (QEMU migrate_cancel) in a phase step.',
    fields: { ...roundFields },
    normalize: (entry, context) => {
      const base = context.targets(entry, { perHostHour: false });
      return base === undefined ? undefined : { kind: 'cancel', ...base };
    },
  }),
  'destination-unavailable': defineChaosKind({
    description: "The migration's destination is down as the migration starts (it crashes as the migration enters setup) and comes back empty after downFor.",
    fields: {
      probability: field.required(s.fraction(), 'Probability, per migration, that its destination is unavailable.'),
      migrations: roundFields.migrations,
      downFor: field.defaulted(DURATION_DISTRIBUTION, { min: '10s', max: '2m' }, 'How long the destination stays down.'),
    },
    normalize: (entry, context) => {
      const base = context.targets({ perRound: entry.probability, migrations: entry.migrations, phases: ['setup'], rounds: 1, after: 0 }, { perHostHour: false });
      const downForNs = distributionOf(context, 'downFor', entry.downFor);
      if (base === undefined || downForNs === undefined) return undefined;
      return { kind: 'destination-unavailable', ...base, probability: entry.probability, downForNs };
    },
  }),
} satisfies Record<ChaosKindName, AnyChaosKind>;

/** The kinds in the order a seed draws them (and the reference lists them). */
export const CHAOS_KIND_NAMES = Object.keys(CHAOS_KINDS) as ChaosKindName[];

const kindFields = Object.fromEntries(
  Object.entries(CHAOS_KINDS).map(([kind, definition]) => [
    kind,
    field.optional(s.object(definition.fields, { noun: `${kind} chaos`, description: definition.description }), definition.description),
  ]),
) as Fields;

export const chaosSchema = s.object(
  {
    swarm: field.defaulted(s.boolean(), false, 'Swarm testing: each seed also draws which of the kinds below are on (each with probability 1/2).'),
    from: field.defaulted(s.duration({ allowZero: true }), '0s', 'Per-host-hour faults strike from this time on.'),
    until: field.optional(s.duration(), 'Per-host-hour faults strike before this time.', 'the horizon'),
    ...kindFields,
  },
  {
    noun: 'a chaos section',
    description: "Random faults: each run's seed draws a fault schedule from these rates, written into the report as plain faults entries.",
  },
);
