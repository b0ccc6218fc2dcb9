import { OrchestrationError } from './errors';
import { compareNatural } from './natural-order';

/**
 * `drain: <hosts>`: move every VM off the drained hosts.
 *
 * The documented placement rule (deterministic, no randomness):
 * 1. VMs are placed drained host by drained host (natural name order:
 *    h-2 before h-10), and on each host in the plan's `order`:
 *    `largest-first` (big VMs first, so they still find room),
 *    `smallest-first`, `name`, `highest-dirty-rate` or `lowest-dirty-rate`
 *    (as measured), `dirty-rate` (lowest declared rate first); ties by VM
 *    name, natural order. The result is in that order, which is also the
 *    order the migrations are queued in.
 * 2. Each VM goes to a candidate with at least its memory free:
 *    `least-loaded` (default) takes the one with the most free memory after
 *    the VMs already placed by this plan; `same-rack-first` does so among the
 *    candidates in the VM's rack first, and anywhere else only when none
 *    there has room. Ties go to the host whose name sorts first (natural
 *    order). Candidates are the plan's `candidates` (default: every host)
 *    that are up and not being drained.
 * 3. Anti-affinity: a VM of a group never goes to a host that holds, or is
 *    promised, another VM of its group (KubeVirt's required pod
 *    anti-affinity on the host topology key).
 * A VM no candidate can take is left where it is and listed with the reason.
 * Free memory = host memory - memory of the VMs running there - memory of
 * the VMs this plan sends there.
 */
export interface DrainHost {
  name: string;
  memoryBytes: number;
  /** Hosts that are down never receive. */
  up: boolean;
  /** The host's rack, for `same-rack-first` (absent: outside every rack). */
  rack?: string;
}

export interface DrainVm {
  name: string;
  host: string;
  memoryBytes: number;
  /** Measured (or declared) dirty rate, for the dirty-rate orders. */
  dirtyRateBytesPerSec?: number;
  /** Anti-affinity group. */
  antiAffinity?: string;
}

export type DrainOrder = 'name' | 'largest-first' | 'smallest-first' | 'highest-dirty-rate' | 'lowest-dirty-rate' | 'dirty-rate';
export type DrainDestinationRule = 'least-loaded' | 'same-rack-first';

export interface DrainOptions {
  order?: DrainOrder;
  /** Hosts that may receive (default: all). */
  candidates?: readonly string[];
  destination?: DrainDestinationRule;
}

export interface PlannedMove {
  vmName: string;
  sourceHost: string;
  destinationHost: string;
}

export interface DrainPlanResult {
  moves: PlannedMove[];
  /** VMs no candidate could take, in placement order, with the reason. */
  unplaced: { vmName: string; sourceHost: string; reason: string }[];
}

/** The drain's moves; a VM that cannot be placed is listed in `unplaced`, the others still move. */
export function planDrainMoves(drainedHosts: readonly string[], hosts: readonly DrainHost[], vms: readonly DrainVm[], options: DrainOptions = {}): DrainPlanResult {
  const known = new Set(hosts.map((host) => host.name));
  for (const name of [...drainedHosts, ...(options.candidates ?? [])]) {
    if (!known.has(name)) throw new OrchestrationError('DRAIN_UNKNOWN_HOST', `drain: no host named "${name}"`);
  }
  const draining = new Set(drainedHosts);
  const allowed = options.candidates === undefined ? undefined : new Set(options.candidates);
  const freeBytes = freeMemoryByHost(hosts, vms);
  const groups = groupHosts(vms);
  const byOrder = vmComparator(options.order ?? 'largest-first');
  const moving = vms
    .filter((vm) => draining.has(vm.host))
    .sort((a, b) => compareNatural(a.host, b.host) || byOrder(a, b) || compareNatural(a.name, b.name));
  const candidates = hosts.filter((host) => host.up && !draining.has(host.name) && (allowed === undefined || allowed.has(host.name)));
  const rule = { destination: options.destination ?? 'least-loaded', rackOf: new Map(hosts.map((host) => [host.name, host.rack])), groups };
  const result: DrainPlanResult = { moves: [], unplaced: [] };
  for (const vm of moving) {
    const destination = chooseDestination(vm, candidates, freeBytes, rule);
    if (typeof destination !== 'string') {
      result.unplaced.push({ vmName: vm.name, sourceHost: vm.host, reason: destination.reason });
      continue;
    }
    freeBytes.set(destination, freeBytes.get(destination)! - vm.memoryBytes);
    if (vm.antiAffinity !== undefined) groups.get(vm.antiAffinity)!.add(destination);
    result.moves.push({ vmName: vm.name, sourceHost: vm.host, destinationHost: destination });
  }
  return result;
}

/** The drain's moves; throws DRAIN_NO_DESTINATION when any VM cannot be placed. */
export function planDrain(drainedHosts: readonly string[], hosts: readonly DrainHost[], vms: readonly DrainVm[], options: DrainOptions = {}): PlannedMove[] {
  const result = planDrainMoves(drainedHosts, hosts, vms, options);
  const first = result.unplaced[0];
  if (first !== undefined) throw new OrchestrationError('DRAIN_NO_DESTINATION', first.reason);
  return result.moves;
}

export interface DestinationRule {
  destination: DrainDestinationRule;
  rackOf: ReadonlyMap<string, string | undefined>;
  /** Hosts holding (or promised) a VM of each anti-affinity group. */
  groups: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The destination for one VM by the same rule (most free memory, ties by
 * name), e.g. to re-place a VM whose planned destination crashed.
 * `freeBytes` is read, not updated.
 */
export function pickDestination(vm: DrainVm, candidates: readonly DrainHost[], freeBytes: ReadonlyMap<string, number>, rule?: DestinationRule): string {
  const chosen = chooseDestination(vm, candidates, freeBytes, rule ?? { destination: 'least-loaded', rackOf: new Map(), groups: new Map() });
  if (typeof chosen !== 'string') throw new OrchestrationError('DRAIN_NO_DESTINATION', chosen.reason);
  return chosen;
}

function chooseDestination(vm: DrainVm, candidates: readonly DrainHost[], freeBytes: ReadonlyMap<string, number>, rule: DestinationRule): string | { reason: string } {
  const excluded = vm.antiAffinity === undefined ? undefined : rule.groups.get(vm.antiAffinity);
  const rack = rule.rackOf.get(vm.host);
  const best = (sameRackOnly: boolean): string | undefined => {
    let chosen: string | undefined;
    let chosenFree = -Infinity;
    for (const host of candidates) {
      if (host.name === vm.host || !host.up) continue;
      if (sameRackOnly && host.rack !== rack) continue;
      if (excluded !== undefined && excluded.has(host.name)) continue;
      const free = freeBytes.get(host.name) ?? 0;
      if (free < vm.memoryBytes) continue;
      if (free > chosenFree || (free === chosenFree && chosen !== undefined && compareNatural(host.name, chosen) < 0)) {
        chosen = host.name;
        chosenFree = free;
      }
    }
    return chosen;
  };
  const chosen = (rule.destination === 'same-rack-first' && rack !== undefined ? best(true) : undefined) ?? best(false);
  if (chosen !== undefined) return chosen;
  const group = excluded === undefined ? '' : ` outside the hosts of anti-affinity group "${vm.antiAffinity}"`;
  return { reason: `drain: no host has ${vm.memoryBytes} bytes free${group} for VM "${vm.name}"` };
}

/** Host memory minus the memory of the VMs placed on it. */
export function freeMemoryByHost(hosts: readonly DrainHost[], vms: readonly DrainVm[]): Map<string, number> {
  const free = new Map(hosts.map((host) => [host.name, host.memoryBytes]));
  for (const vm of vms) {
    if (free.has(vm.host)) free.set(vm.host, free.get(vm.host)! - vm.memoryBytes);
  }
  return free;
}

/** The hosts holding a VM of each anti-affinity group. */
export function groupHosts(vms: readonly DrainVm[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const vm of vms) {
    if (vm.antiAffinity === undefined) continue;
    let hosts = groups.get(vm.antiAffinity);
    if (hosts === undefined) groups.set(vm.antiAffinity, (hosts = new Set()));
    hosts.add(vm.host);
  }
  return groups;
}

function vmComparator(order: DrainOrder): (a: DrainVm, b: DrainVm) => number {
  const rate = (vm: DrainVm) => vm.dirtyRateBytesPerSec ?? 0;
  switch (order) {
    case 'name':
      return () => 0;
    case 'largest-first':
      return (a, b) => b.memoryBytes - a.memoryBytes;
    case 'smallest-first':
      return (a, b) => a.memoryBytes - b.memoryBytes;
    case 'highest-dirty-rate':
      return (a, b) => rate(b) - rate(a);
    case 'lowest-dirty-rate':
    case 'dirty-rate':
      return (a, b) => rate(a) - rate(b);
  }
}
