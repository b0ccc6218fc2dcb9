import { OrchestrationError } from '../errors';
import type { FaultKind } from './fault-kind';
import type { FaultSpec } from './fault-spec';
import type { FaultTarget } from './fault-target';
import { addedLatency } from './kinds/added-latency';
import { bandwidthDrop } from './kinds/bandwidth-drop';
import { destinationCrash } from './kinds/destination-crash';
import { linkDown } from './kinds/link-down';
import { migrationCancel } from './kinds/migration-cancel';

/** Every fault kind migsim knows, by name. A new kind: one file in `kinds/` and one line here. */
export const FAULT_KINDS: ReadonlyMap<string, FaultKind> = new Map<string, FaultKind>(
  [destinationCrash, linkDown, bandwidthDrop, addedLatency, migrationCancel].map((kind) => [kind.kind, kind as FaultKind]),
);

export function faultKind(spec: FaultSpec, registry: ReadonlyMap<string, FaultKind> = FAULT_KINDS): FaultKind {
  const kind = registry.get(spec.kind);
  if (kind === undefined) {
    throw new OrchestrationError('FAULT_UNKNOWN_KIND', `fault "${spec.id}": unknown kind "${spec.kind}" (known: ${[...registry.keys()].join(', ')})`);
  }
  return kind;
}

/** Validates a fault's parameters up front, so a bad scenario fails before the run starts. */
export function validateFault(spec: FaultSpec, registry: ReadonlyMap<string, FaultKind> = FAULT_KINDS): void {
  faultKind(spec, registry).parse(spec);
}

export function applyFault(spec: FaultSpec, target: FaultTarget, registry: ReadonlyMap<string, FaultKind> = FAULT_KINDS): void {
  const kind = faultKind(spec, registry);
  kind.apply(kind.parse(spec), spec, target);
}
