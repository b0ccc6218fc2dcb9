import type { Scenario } from '@migsim/scenario';
import type { RunVariant } from '../world/variant-world';
import type { ControllerFacts } from '../controller/controller-actor';
import type { HostFacts, VmStay } from '../host/host-facts';

/**
 * Everything a variant's run left behind: the controller's records and the
 * hosts' facts, in the variant's host order. The judge and the report
 * assembly read only this, so a report is the same whether the run was
 * driven in process or over the services.
 */
export interface RunFacts {
  scenario: Scenario;
  /** The variant as the run played it (with the faults its chaos section drew, if any). */
  variant: RunVariant;
  horizonNs: number;
  controller: ControllerFacts;
  /** One per host of the variant, in the variant's order. */
  hosts: HostFacts[];
}

/** A VM's stays on every host, in time order (ties in host order). */
export function staysOf(facts: RunFacts, vm: string): VmStay[] {
  return [...(staysByVm(facts).get(vm) ?? [])];
}

/** Every VM's stays, indexed once per run's facts (a study judges tens of thousands of VMs over thousands of hosts). */
const STAYS_INDEX = new WeakMap<RunFacts, Map<string, VmStay[]>>();

function staysByVm(facts: RunFacts): Map<string, VmStay[]> {
  let index = STAYS_INDEX.get(facts);
  if (index !== undefined) return index;
  index = new Map();
  for (const host of facts.hosts) {
    for (const stay of host.stays) {
      const list = index.get(stay.vm);
      if (list === undefined) index.set(stay.vm, [stay]);
      else list.push(stay);
    }
  }
  for (const list of index.values()) if (list.length > 1) list.sort((a, b) => a.fromNs - b.fromNs);
  STAYS_INDEX.set(facts, index);
  return index;
}

/** The VMs living on `host` at `atNs` (a VM down with a crashed host counts; a lost one does not). */
export function vmsOnHostAt(facts: RunFacts, host: string, atNs: number): string[] {
  const hostFacts = facts.hosts.find((candidate) => candidate.host === host);
  if (hostFacts === undefined) return [];
  const names: string[] = [];
  for (const stay of hostFacts.stays) {
    if (stay.fromNs > atNs) continue;
    if (stay.toNs !== null && stay.toNs <= atNs) continue;
    if (stay.toNs === null && (stay.endState === 'lost' || stay.endState === 'migrated')) continue;
    if (!names.includes(stay.vm)) names.push(stay.vm);
  }
  return names;
}

export function appliesTo(variants: readonly string[] | null, name: string): boolean {
  return variants === null || variants.includes(name);
}
