import type { FaultSpec } from '../model/scenario';
import type { FaultContext } from '../normalize/fault-context';
import { field, s } from '../schema/builders';
import { ObjectSchema, type Fields, type ObjectValue } from '../schema/object-schema';
import { LINK_RATE } from '../limits/limit-options';

/**
 * Every fault kind in one table: its description, its own keys (besides the
 * common `kind`, `description`, `at`, `when`) and how it becomes a normalised
 * `FaultSpec`. Adding a kind = one entry here + its interface in
 * model/scenario.ts.
 */
export interface FaultKindDefinition<F extends Fields = Fields> {
  readonly description: string;
  readonly fields: F;
  readonly normalize: (fault: ObjectValue<F>, context: FaultContext) => FaultSpec | undefined;
}

/** Any entry of the table (the parameter type is erased so different kinds fit one record). */
export interface AnyFaultKind {
  readonly description: string;
  readonly fields: Fields;
  readonly normalize: (fault: never, context: FaultContext) => FaultSpec | undefined;
}

function defineFaultKind<F extends Fields>(definition: FaultKindDefinition<F>): FaultKindDefinition<F> {
  return definition;
}

export const PHASES = ['setup', 'round', 'stop-and-copy', 'postcopy'] as const;

export const whenSchema = s.object(
  {
    migration: field.required(s.migrationRef(), 'Migration whose progress triggers the fault (an id, or <plan id>/<vm> for a drain).'),
    phase: field.required(
      s.enumOf(PHASES, {
        setup: 'Dirty logging is being enabled.',
        round: 'A pre-copy round (see round).',
        'stop-and-copy': 'The VM is paused for the final copy.',
        postcopy: 'The VM runs on the destination, pages are pulled.',
      }),
      'Phase that triggers the fault.',
    ),
    round: field.optional(s.integer({ min: 1 }), 'Round number, counted from 1 (the first, full pass); phase round only.', '1 with phase round'),
    after: field.defaulted(s.duration({ allowZero: true }), '0s', 'Delay after the phase starts.'),
  },
  { noun: 'a phase trigger', description: 'Fire when a migration reaches a phase.' },
);

const commonFaultFields = {
  description: field.optional(s.text(), 'What the fault stands for, shown in reports.', 'none'),
  at: field.optional(s.duration({ allowZero: true }), 'Fire at this simulated time (exactly one of at or when).'),
  when: field.optional(whenSchema, 'Fire when a migration reaches a phase (exactly one of at or when).'),
};

const durationField = field.optional(s.duration(), 'How long the fault lasts.', 'until the horizon');

const linkFields = {
  host: field.optional(s.name(), "Host whose whole NIC is affected (both directions)."),
  from: field.optional(s.name(), 'Source end of the affected path (with to).'),
  to: field.optional(s.name(), 'Destination end of the affected path (with from).'),
};
const linkDefaultNote = 'Link faults affect host, or the path from -> to, or by default the path of when.migration (for a plan\'s migration, the path it has when the fault fires).';

export const FAULT_KINDS = {
  'destination-crash': defineFaultKind({
    description: 'A host crashes: migrations to it fail and what it received is lost; it comes back empty after duration.',
    fields: {
      host: field.optional(s.name(), 'Host that crashes.', "the destination of when.migration (a plan's: the one it has when the fault fires)"),
      duration: durationField,
    },
    normalize: (fault, context) => {
      const host = context.hostOrDestination(fault.host, 'host');
      if (host === undefined) return undefined;
      const source = context.triggerMigration?.from;
      if (host === source) {
        context.add('host', JSON.stringify(host), `a host other than the source of migration ${context.triggerMigration?.id ?? ''} (a destination crash)`);
        return undefined;
      }
      return { kind: 'destination-crash', ...context.common, host, durationNs: fault.duration ?? null };
    },
  }),
  'link-down': defineFaultKind({
    description: `The link carries nothing. ${linkDefaultNote}`,
    fields: { ...linkFields, duration: durationField },
    normalize: (fault, context) => {
      const link = context.link(fault);
      return link === undefined ? undefined : { kind: 'link-down', ...context.common, link, durationNs: fault.duration ?? null };
    },
  }),
  'bandwidth-drop': defineFaultKind({
    description: `The link's capacity drops. ${linkDefaultNote}`,
    fields: {
      ...linkFields,
      bandwidth: field.required(s.rate(LINK_RATE), 'Capacity while the fault lasts, 1Mbps to 10Tbps (use link-down for none).'),
      duration: durationField,
    },
    normalize: (fault, context) => {
      const link = context.link(fault);
      if (link === undefined) return undefined;
      return { kind: 'bandwidth-drop', ...context.common, link, bandwidthBytesPerSec: fault.bandwidth, durationNs: fault.duration ?? null };
    },
  }),
  latency: defineFaultKind({
    description: `Extra one-way latency: on host, its access link, so every path through it; on from -> to, that path. ${linkDefaultNote}`,
    fields: {
      ...linkFields,
      latency: field.required(s.duration(), 'Added one-way latency.'),
      duration: durationField,
    },
    normalize: (fault, context) => {
      // On a host it adds to the host's access link, which every path through the host crosses (LinkModel.addHostLatency).
      const link = context.link(fault);
      return link === undefined ? undefined : { kind: 'latency', ...context.common, link, latencyNs: fault.latency, durationNs: fault.duration ?? null };
    },
  }),
  'migration-cancel': defineFaultKind({
    description: 'The operator cancels a migration (QEMU migrate_cancel): the source resumes and disables dirty logging.',
    fields: { migration: field.optional(s.migrationRef(), 'Migration to cancel.', 'when.migration') },
    normalize: (fault, context) => {
      const migration = context.migrationOrTrigger(fault.migration);
      return migration === undefined ? undefined : { kind: 'migration-cancel', ...context.common, migration };
    },
  }),
} satisfies Record<FaultSpec['kind'], AnyFaultKind>;

export type FaultKindName = keyof typeof FAULT_KINDS;

function faultMemberSchema(kind: string, definition: AnyFaultKind): ObjectSchema<Fields> {
  return s.object(
    { kind: field.required(s.literal(kind), definition.description), ...commonFaultFields, ...definition.fields },
    { noun: `a ${kind} fault`, description: definition.description, exactlyOneOf: [['at', 'when']] },
  );
}

export const faultSchema = s.tagged(
  'kind',
  Object.fromEntries(Object.entries(FAULT_KINDS).map(([kind, definition]) => [kind, faultMemberSchema(kind, definition)])),
  'a fault',
);
