import type { ScenarioDocument } from '../document/scenario-schema';
import { WORKLOAD_DEFAULTS } from '@migsim/guest';
import type { HostSpec, VmSpec, WorkloadSpec } from '../model/scenario';
import { describeFound, type Path } from '../schema/issues';
import { expandNames } from './entry-names';
import { formatSize } from '../units/format-units';
import { resolveKernel } from './kernel';
import type { NormalizeContext } from './normalize-context';
import type { References } from './references';
import { OncePerPathContext, VmPopulation, type ConcreteVm } from './vm-population';

type HostEntry = ScenarioDocument['hosts'][number];
type VmEntry = ScenarioDocument['vms'][number];

const PAGE_BYTES = 4096;
const BACKING_PAGE_BYTES: Readonly<Record<VmSpec['backing'], number>> = {
  thp: PAGE_BYTES,
  '4k': PAGE_BYTES,
  'hugetlb-2m': 2 * 1024 * 1024,
  'hugetlb-1g': 1024 * 1024 * 1024,
};

export { expandNames } from './entry-names';

/** Each generated name must be unique among its kind. */
function claimName(name: string, path: Path, owners: Map<string, Path>, what: string, context: NormalizeContext): boolean {
  const owner = owners.get(name);
  if (owner !== undefined) {
    const where = owner.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join('');
    context.add([...path, 'name'], describeFound(name), `a name no other ${what} uses (${where} declares it)`);
    return false;
  }
  owners.set(name, path);
  return true;
}

export function normalizeHosts(entries: readonly HostEntry[], refs: References, context: NormalizeContext): HostSpec[] {
  const owners = new Map<string, Path>();
  const hosts: HostSpec[] = [];
  entries.forEach((entry, index) => {
    const path: Path = ['hosts', index];
    const kernel = resolveKernel(entry.kernel, [...path, 'kernel'], context);
    for (const name of expandNames(entry.name, entry.count, path, context)) {
      if (!claimName(name, path, owners, 'host', context)) continue;
      const host: HostSpec = {
        name,
        linkBytesPerSec: entry.link,
        latencyNs: entry.latency,
        memoryBytes: entry.memory,
        vcpus: entry.vcpus,
        kernel: { ...kernel },
        tlbProfile: entry.tlb,
      };
      hosts.push(host);
      refs.hosts.set(name, host);
      refs.hostPaths.set(name, path);
    }
  });
  return hosts;
}

export function normalizeVms(entries: readonly VmEntry[], refs: References, context: NormalizeContext, population: VmPopulation): VmSpec[] {
  const owners = new Map<string, Path>();
  const vms: VmSpec[] = [];
  entries.forEach((entry, index) => {
    const path: Path = ['vms', index];
    // An entry's VMs share its path: each problem is reported once, quoting the drawn value.
    const once = new OncePerPathContext(context);
    if (entry.thpSplitFraction !== undefined && entry.backing !== 'thp') {
      context.add([...path, 'thpSplitFraction'], context.found([...path, 'thpSplitFraction'], ''), `no thpSplitFraction with backing ${entry.backing} (it applies to thp)`);
    }
    for (const drawn of population.expand(entry, path, once)) {
      const quoting = VmPopulation.drawnQuotes(once, drawn, entry, path);
      const host = drawn.host === undefined ? undefined : refs.hosts.get(drawn.host);
      checkMemory(entry.backing, drawn.memory, path, quoting);
      const workload = normalizeWorkload(entry, drawn, [...path, 'workload'], quoting);
      if (host !== undefined && drawn.memory > host.memoryBytes) {
        quoting.add([...path, 'memory'], quoting.found([...path, 'memory'], formatSize(drawn.memory)), `at most ${formatSize(host.memoryBytes)}, the memory of host ${host.name}`);
      }
      if (!claimName(drawn.name, path, owners, 'VM', context)) continue;
      const vm: VmSpec = {
        name: drawn.name,
        host: drawn.host ?? '',
        memoryBytes: drawn.memory,
        vcpus: drawn.vcpus,
        backing: entry.backing,
        thpSplitFraction: entry.thpSplitFraction ?? 0,
        workload,
        ...(entry.antiAffinity === undefined ? {} : { antiAffinity: entry.antiAffinity }),
      };
      vms.push(vm);
      refs.vms.set(drawn.name, vm);
      refs.vmPaths.set(drawn.name, path);
    }
  });
  return vms;
}

function checkMemory(backing: VmSpec['backing'], memoryBytes: number, path: Path, context: NormalizeContext): void {
  const pageBytes = BACKING_PAGE_BYTES[backing];
  if (memoryBytes % pageBytes === 0) return;
  const why = pageBytes === PAGE_BYTES ? 'guest memory is made of 4 KiB pages' : `backing ${backing} allocates whole ${formatSize(pageBytes)} pages`;
  context.add([...path, 'memory'], context.found([...path, 'memory'], formatSize(memoryBytes)), `a multiple of ${formatSize(pageBytes)} (${why})`);
}

/**
 * Working sets as @migsim/guest's `workloadSpec()` defines them: the working
 * set defaults to the memory, the write working set to a share of it; both at
 * least one page. Knobs of other patterns are errors, not silently ignored.
 */
function normalizeWorkload(entry: VmEntry, vm: ConcreteVm, path: Path, context: NormalizeContext): WorkloadSpec {
  const written = entry.workload;
  const at = (key: string): Path => [...path, key];
  const workingSetBytes = vm.workingSet ?? vm.memory;
  const defaultWriteSet = Math.max(PAGE_BYTES, Math.floor((workingSetBytes * WORKLOAD_DEFAULTS.writeWorkingSetShare) / PAGE_BYTES) * PAGE_BYTES);
  const writeWorkingSetBytes = vm.writeWorkingSet ?? defaultWriteSet;
  if (vm.workingSet !== undefined && vm.workingSet > vm.memory) {
    context.add(at('workingSet'), context.found(at('workingSet'), formatSize(vm.workingSet)), `at most ${formatSize(vm.memory)}, the VM's memory`);
  }
  if (vm.writeWorkingSet !== undefined && vm.writeWorkingSet > workingSetBytes) {
    const limit = vm.workingSet === undefined ? `${formatSize(vm.memory)}, the VM's memory` : `${formatSize(workingSetBytes)}, the workload's workingSet`;
    context.add(at('writeWorkingSet'), context.found(at('writeWorkingSet'), formatSize(vm.writeWorkingSet)), `at most ${limit}`);
  }
  for (const [key, bytes] of [['workingSet', vm.workingSet], ['writeWorkingSet', vm.writeWorkingSet]] as const) {
    if (bytes !== undefined && bytes < PAGE_BYTES) context.add(at(key), context.found(at(key), formatSize(bytes)), 'at least 4KiB (one page)');
  }
  if (written.hotFraction !== undefined && (written.hotFraction === 0 || written.hotFraction === 1)) {
    context.add(at('hotFraction'), context.found(at('hotFraction'), ''), 'a fraction strictly between 0 and 1 (some pages hot, some cold)');
  }
  const patternKnobs: readonly [keyof typeof written, WorkloadSpec['pattern']][] = [
    ['zipfExponent', 'zipf'],
    ['hotFraction', 'hot-cold'],
    ['hotAccessShare', 'hot-cold'],
  ];
  for (const [key, pattern] of patternKnobs) {
    if (written[key] !== undefined && written.pattern !== pattern) {
      context.add(at(key), context.found(at(key), ''), `no ${key} with pattern ${written.pattern} (it applies to ${pattern})`);
    }
  }
  return {
    pattern: written.pattern,
    workingSetBytes,
    writeWorkingSetBytes,
    dirtyRateBytesPerSec: vm.dirtyRate,
    writeFraction: written.writeFraction ?? WORKLOAD_DEFAULTS.writeFraction,
    accessesPerSecPerVcpu: written.accessRate ?? WORKLOAD_DEFAULTS.accessesPerSecPerVcpu,
    zipfExponent: written.zipfExponent ?? WORKLOAD_DEFAULTS.zipfExponent,
    hotFraction: written.hotFraction ?? WORKLOAD_DEFAULTS.hotFraction,
    hotAccessShare: written.hotAccessShare ?? WORKLOAD_DEFAULTS.hotAccessShare,
    guestThpFraction: written.guestThp ?? WORKLOAD_DEFAULTS.guestThpFraction,
  };
}

/** The VMs placed on a host at time 0 must fit in its memory together. */
export function checkHostMemory(hosts: readonly HostSpec[], vms: readonly VmSpec[], refs: References, context: NormalizeContext): void {
  const placedOn = new Map<string, VmSpec[]>();
  for (const vm of vms) {
    const placed = placedOn.get(vm.host);
    if (placed === undefined) placedOn.set(vm.host, [vm]);
    else placed.push(vm);
  }
  for (const host of hosts) {
    const placed = placedOn.get(host.name) ?? [];
    if (placed.some((vm) => vm.memoryBytes > host.memoryBytes)) continue; // already reported on the VM
    const totalBytes = placed.reduce((sum, vm) => sum + vm.memoryBytes, 0);
    if (totalBytes <= host.memoryBytes) continue;
    const path: Path = [...(refs.hostPaths.get(host.name) ?? ['hosts']), 'memory'];
    const listing = placed.length <= 4 ? placed.map((vm) => `${vm.name} ${formatSize(vm.memoryBytes)}`).join(', ') : `${placed.length} VMs`;
    context.add(path, context.found(path, `${formatSize(host.memoryBytes)} (the default)`), `at least ${formatSize(totalBytes)} to hold the VMs placed on ${host.name} (${listing})`);
  }
}
