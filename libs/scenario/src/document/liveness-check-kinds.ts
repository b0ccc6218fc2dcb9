import { field, s } from '../schema/builders';
import type { Fields } from '../schema/object-schema';
import { formatDuration, formatPercent } from '../units/format-units';
import type { CheckKindDefinition } from './check-kind-definition';

function defineCheckKind<F extends Fields>(definition: CheckKindDefinition<F>): CheckKindDefinition<F> {
  return definition;
}

/**
 * The liveness checks of a chaos study (TigerBeetle's VOPR: after the
 * faults, the system must converge): every migration ends, and every VM a
 * failed migration left with split huge pages gets its performance back.
 * They take no names of hosts, VMs or migrations, so they hold for any
 * schedule a seed draws.
 */
export const LIVENESS_CHECK_KINDS = {
  'migrations-end': defineCheckKind({
    description: 'Every migration ends — completed, failed, cancelled or aborted, none still queued or running — by a given time.',
    fields: {
      by: field.optional(s.duration(), 'Simulated time by which every migration must have ended.', 'the horizon'),
    },
    normalize: (check, context) => {
      const name = context.name ?? `migrations-end${check.by === undefined ? '' : ` by ${formatDuration(check.by)}`}`;
      return { kind: 'migrations-end', name, variants: context.variants, byNs: check.by ?? null };
    },
  }),
  'vms-recover': defineCheckKind({
    description:
      'Every VM whose dirty logging was switched off after a failed, aborted or cancelled migration gets back to a share of its baseline within a time of that moment.',
    fields: {
      to: field.defaulted(s.fraction(), '95%', 'Share of baseline throughput to reach.'),
      within: field.required(s.duration(), 'Deadline, counted from the moment dirty logging is switched off.'),
    },
    normalize: (check, context) => {
      const name = context.name ?? `vms-recover: to ${formatPercent(check.to)} within ${formatDuration(check.within)}`;
      return { kind: 'vms-recover', name, variants: context.variants, toFraction: check.to, withinNs: check.within };
    },
  }),
};
