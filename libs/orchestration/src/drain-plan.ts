import { OrchestrationError } from './errors';

/**
 * `drain: <host>`: move every VM off the drained hosts.
 *
 * The documented placement rule (deterministic, no randomness):
 * 1. VMs are placed drained host by drained host (by name), and on each host
 *    in the plan's `order`: `largest-first` (default: big VMs first, so they
 *    still find room), `smallest-first`, `name`, `highest-dirty-rate` or
 *    `lowest-dirty-rate` (as measured); ties by VM name. The result is in
 *    that order, which is also the order the migrations are queued in.
 * 2. Each VM goes to the candidate host with the most free memory after the
 *    VMs already placed by this plan; ties go to the host whose name sorts
 *    first. Candidates are the plan's `candidates` (default: every host)
 *    that are up, not being drained, and have at least the VM's memory free.
 * Free memory = host memory - memory of the VMs running there - memory of
 * the VMs this plan sends there.
 */
export interface DrainHost {
  name: string;
  memoryBytes: number;
  /** Hosts that are down never receive. */
  up: boolean;
}

export interface DrainVm {
  name: string;
  host: string;
  memoryBytes: number;
  /** Measured dirty rate, for the dirty-rate orders. */
  dirtyRateBytesPerSec?: number;
}

export type DrainOrder = 'name' | 'largest-first' | 'smallest-first' | 'highest-dirty-rate' | 'lowest-dirty-rate';

export interface DrainOptions {
  order?: DrainOrder;
  /** Hosts that may receive (default: all). */
  candidates?: readonly string[];
}

export interface PlannedMove {
  vmName: string;
  sourceHost: string;
  destinationHost: string;
}

export function planDrain(
  drainedHosts: readonly string[],
  hosts: readonly DrainHost[],
  vms: readonly DrainVm[],
  options: DrainOptions = {},
): PlannedMove[] {
  const known = new Set(hosts.map((host) => host.name));
  for (const name of [...drainedHosts, ...(options.candidates ?? [])]) {
    if (!known.has(name)) throw new OrchestrationError('DRAIN_UNKNOWN_HOST', `drain: no host named "${name}"`);
  }
  const draining = new Set(drainedHosts);
  const allowed = options.candidates === undefined ? undefined : new Set(options.candidates);
  const freeBytes = freeMemoryByHost(hosts, vms);
  const byOrder = vmComparator(options.order ?? 'largest-first');
  const moving = vms
    .filter((vm) => draining.has(vm.host))
    .sort((a, b) => compareNames(a.host, b.host) || byOrder(a, b) || compareNames(a.name, b.name));
  const candidates = hosts.filter((host) => host.up && !draining.has(host.name) && (allowed === undefined || allowed.has(host.name)));
  return moving.map((vm) => {
    const destination = pickDestination(vm, candidates, freeBytes);
    freeBytes.set(destination, freeBytes.get(destination)! - vm.memoryBytes);
    return { vmName: vm.name, sourceHost: vm.host, destinationHost: destination };
  });
}

/**
 * The destination for one VM by the same rule (most free memory, ties by
 * name), e.g. to re-place a VM whose planned destination crashed.
 * `freeBytes` is read, not updated.
 */
export function pickDestination(vm: DrainVm, candidates: readonly DrainHost[], freeBytes: ReadonlyMap<string, number>): string {
  let best: string | undefined;
  let bestFree = -Infinity;
  for (const host of candidates) {
    if (host.name === vm.host || !host.up) continue;
    const free = freeBytes.get(host.name) ?? 0;
    if (free < vm.memoryBytes) continue;
    if (free > bestFree || (free === bestFree && best !== undefined && compareNames(host.name, best) < 0)) {
      best = host.name;
      bestFree = free;
    }
  }
  if (best === undefined) {
    throw new OrchestrationError('DRAIN_NO_DESTINATION', `drain: no host has ${vm.memoryBytes} bytes free for VM "${vm.name}"`);
  }
  return best;
}

/** Host memory minus the memory of the VMs placed on it. */
export function freeMemoryByHost(hosts: readonly DrainHost[], vms: readonly DrainVm[]): Map<string, number> {
  const free = new Map(hosts.map((host) => [host.name, host.memoryBytes]));
  for (const vm of vms) {
    if (free.has(vm.host)) free.set(vm.host, free.get(vm.host)! - vm.memoryBytes);
  }
  return free;
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
      return (a, b) => rate(a) - rate(b);
  }
}

/** Code-unit order, independent of locale (localeCompare is not). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
