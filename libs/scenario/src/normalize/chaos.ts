import { CHAOS_KIND_NAMES, CHAOS_KINDS, type AnyChaosKind } from '../document/chaos-schema';
import type { ChaosKindSpec, ChaosSpec } from '../model/chaos';
import { formatDuration } from '../units/format-units';
import { ChaosKindContext } from './chaos-kind-context';
import type { NormalizeContext } from './normalize-context';
import type { References } from './references';

type ChaosDocument = Record<string, unknown> & { swarm: boolean; from: number; until?: number };

/**
 * Cross-reference checks and resolved defaults of the `chaos:` section of
 * one setup (the base file or a variant): its hosts and migrations must
 * exist (drain-generated migration ids count), its window must fit the
 * horizon, and every range must be in order.
 */
export function normalizeChaos(document: ChaosDocument | undefined, horizonNs: number, refs: References, context: NormalizeContext): ChaosSpec | undefined {
  if (document === undefined) return undefined;
  const untilNs = document.until ?? horizonNs;
  if (untilNs > horizonNs) context.add(['chaos', 'until'], context.found(['chaos', 'until'], ''), `a time no later than the horizon (${formatDuration(horizonNs)})`);
  if (document.from >= untilNs) {
    context.add(['chaos', 'from'], context.found(['chaos', 'from'], ''), `a time before chaos.until (${formatDuration(untilNs)})`);
  }
  const kinds: ChaosKindSpec[] = [];
  for (const name of CHAOS_KIND_NAMES) {
    const entry = document[name];
    if (entry === undefined) continue;
    const definition = CHAOS_KINDS[name] as unknown as AnyChaosKind;
    const normalize = definition.normalize as (entry: unknown, context: ChaosKindContext) => ChaosKindSpec | undefined;
    const kind = normalize(entry, new ChaosKindContext(['chaos', name], refs, context));
    if (kind !== undefined) kinds.push(kind);
  }
  const migrations = [...refs.migrations.values()].map(({ id, vm, from, to }) => ({ id, vm, from, to }));
  return { swarm: document.swarm, fromNs: document.from, untilNs, kinds, hosts: [...refs.hosts.keys()], migrations };
}
