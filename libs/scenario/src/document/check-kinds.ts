import type { CheckSpec } from '../model/scenario';
import { field, s } from '../schema/builders';
import { ObjectSchema, type Fields } from '../schema/object-schema';
import { formatDuration, formatPercent } from '../units/format-units';
import type { CheckContext, CheckKindDefinition } from './check-kind-definition';
import { LIVENESS_CHECK_KINDS } from './liveness-check-kinds';

export type { CheckContext, CheckKindDefinition } from './check-kind-definition';

interface AnyCheckKind {
  readonly description: string;
  readonly fields: Fields;
  readonly normalize: (check: never, context: CheckContext) => CheckSpec | undefined;
}

function defineCheckKind<F extends Fields>(definition: CheckKindDefinition<F>): CheckKindDefinition<F> {
  return definition;
}

export const MIGRATION_OUTCOMES = ['completed', 'failed', 'cancelled', 'aborted'] as const;

export const CHECK_KINDS = {
  recovers: defineCheckKind({
    description: "The VM's throughput gets back to a share of its baseline within a time of dirty logging being switched off.",
    fields: {
      vm: field.required(s.name(), 'VM that must recover.'),
      to: field.defaulted(s.fraction(), '95%', 'Share of baseline throughput to reach.'),
      within: field.required(s.duration(), 'Deadline, counted from the moment dirty logging is switched off.'),
    },
    normalize: (check, context) => {
      if (context.refs.vm(check.vm, [...context.path, 'vm']) === undefined) return undefined;
      const name = context.name ?? `recovers: ${check.vm} to ${formatPercent(check.to)} within ${formatDuration(check.within)}`;
      return { kind: 'recovers', name, variants: context.variants, vm: check.vm, toFraction: check.to, withinNs: check.within };
    },
  }),
  'downtime-within-budget': defineCheckKind({
    description: "Each migration's downtime stays within a budget (by default its own downtime-limit).",
    fields: {
      migration: field.optional(s.migrationRef(), 'Migration to check.', 'every migration'),
      budget: field.optional(s.duration(), 'Largest acceptable downtime.', "each migration's downtime-limit"),
    },
    normalize: (check, context) => {
      if (check.migration !== undefined && context.refs.migration(check.migration, [...context.path, 'migration']) === undefined) return undefined;
      const name = context.name ?? `downtime-within-budget${check.migration === undefined ? '' : `: ${check.migration}`}`;
      return { kind: 'downtime-within-budget', name, variants: context.variants, migration: check.migration ?? null, budgetNs: check.budget ?? null };
    },
  }),
  'migration-outcome': defineCheckKind({
    description: 'A migration ends the way it should.',
    fields: {
      migration: field.required(s.migrationRef(), 'Migration to check.'),
      outcome: field.required(s.enumOf(MIGRATION_OUTCOMES), 'Expected outcome of its last attempt.'),
    },
    normalize: (check, context) => {
      if (context.refs.migration(check.migration, [...context.path, 'migration']) === undefined) return undefined;
      const name = context.name ?? `migration-outcome: ${check.migration} ${check.outcome}`;
      return { kind: 'migration-outcome', name, variants: context.variants, migration: check.migration, outcome: check.outcome };
    },
  }),
  'host-drained': defineCheckKind({
    description: 'No VM runs on a host any more by a given time.',
    fields: {
      host: field.required(s.name(), 'Host that must be empty.'),
      by: field.optional(s.duration(), 'Simulated time by which it must be empty.', 'the horizon'),
    },
    normalize: (check, context) => {
      if (context.refs.host(check.host, [...context.path, 'host']) === undefined) return undefined;
      const name = context.name ?? `host-drained: ${check.host}${check.by === undefined ? '' : ` by ${formatDuration(check.by)}`}`;
      return { kind: 'host-drained', name, variants: context.variants, host: check.host, byNs: check.by ?? null };
    },
  }),
  ...LIVENESS_CHECK_KINDS,
} satisfies Record<CheckSpec['kind'], AnyCheckKind>;

const commonCheckFields = {
  name: field.optional(s.text(), 'Name shown in reports.', 'generated from the kind and its fields'),
  variants: field.optional(s.array(s.name(), 'variant names', 1), 'Variants the check applies to.', 'all'),
};

function checkMemberSchema(kind: string, definition: AnyCheckKind): ObjectSchema<Fields> {
  return s.object(
    { kind: field.required(s.literal(kind), definition.description), ...commonCheckFields, ...definition.fields },
    { noun: `a ${kind} check`, description: definition.description },
  );
}

export const checkSchema = s.tagged(
  'kind',
  Object.fromEntries(Object.entries(CHECK_KINDS).map(([kind, definition]) => [kind, checkMemberSchema(kind, definition)])),
  'a check',
);
