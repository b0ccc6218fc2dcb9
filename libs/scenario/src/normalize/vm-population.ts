import type { ScenarioDocument } from '../document/scenario-schema';
import { DrawRng } from '../generate/draw-rng';
import { describeFound, formatPath, type Path } from '../schema/issues';
import { formatSize } from '../units/format-units';
import { checkDistribution, drawInteger, drawnText, drawRate, drawSize, isDistribution, type Distribution } from './drawn-values';
import { expandNames } from './entry-names';
import { resolveNameSet } from './name-sets';
import { NormalizeContext } from './normalize-context';
import type { References } from './references';

type VmEntry = ScenarioDocument['vms'][number];

/** One VM of an entry with every drawn value drawn: what the per-VM checks and the VmSpec are built from. */
export interface ConcreteVm {
  name: string;
  /** undefined when the entry's host could not be resolved (already reported). */
  host: string | undefined;
  memory: number;
  vcpus: number;
  workingSet: number | undefined;
  writeWorkingSet: number | undefined;
  dirtyRate: number;
}

/**
 * Expands VM entries into VMs: names from the template, hosts from `host`
 * (`{i}` is the VM's number) or from `hosts` by the entry's placement, and
 * every distribution drawn per VM from the scenario's seed (stream
 * `population`, forked by VM name and attribute, so a VM's values do not
 * depend on the other VMs or on which attributes are drawn). Placement
 * remembers the memory every earlier VM took on each host (`packed` and
 * `random` look for room).
 */
export class VmPopulation {
  private readonly root: DrawRng;
  private readonly usedBytes = new Map<string, number>();

  constructor(
    private readonly refs: References,
    seed: number,
    private readonly racks: ReadonlyMap<string, readonly string[]>,
  ) {
    this.root = new DrawRng(seed).fork('population');
  }

  expand(entry: VmEntry, path: Path, context: NormalizeContext): ConcreteVm[] {
    const names = expandNames(entry.name, entry.count, path, context);
    const fixedHost = this.fixedHost(entry, path, context);
    const hostSet = entry.hosts === undefined ? undefined : resolveNameSet(entry.hosts, [...path, 'hosts'], this.refs.hosts, 'host', context, this.racks);
    if (entry.placement !== undefined && entry.hosts === undefined) {
      context.add([...path, 'placement'], describeFound(entry.placement), 'no placement without hosts (it spreads the VMs over a host set)');
    }
    const memory = usable(entry.memory, [...path, 'memory'], context);
    const vcpus = usable(entry.vcpus, [...path, 'vcpus'], context);
    const workload = entry.workload;
    const workingSet = workload.workingSet === undefined ? undefined : usable(workload.workingSet, [...path, 'workload', 'workingSet'], context);
    const writeWorkingSet = workload.writeWorkingSet === undefined ? undefined : usable(workload.writeWorkingSet, [...path, 'workload', 'writeWorkingSet'], context);
    const dirtyRate = usable(workload.dirtyRate, [...path, 'workload', 'dirtyRate'], context);
    const placementRng = this.root.fork(`placement:${formatPath(path)}`);
    return names.map((name, index) => {
      const stream = (attribute: string) => () => this.root.fork(`${name}:${attribute}`);
      const memoryBytes = drawSize(memory, 0, stream('memory'));
      const vm: ConcreteVm = {
        name,
        host: undefined,
        memory: memoryBytes,
        vcpus: drawInteger(vcpus, stream('vcpus')),
        workingSet: undefined,
        writeWorkingSet: undefined,
        dirtyRate: drawRate(dirtyRate, stream('dirtyRate')),
      };
      if (workingSet !== undefined) vm.workingSet = drawSize(workingSet, memoryBytes, stream('workingSet'));
      if (writeWorkingSet !== undefined) vm.writeWorkingSet = drawSize(writeWorkingSet, vm.workingSet ?? memoryBytes, stream('writeWorkingSet'));
      if (fixedHost !== undefined) vm.host = typeof fixedHost === 'string' ? fixedHost : this.templateHost(fixedHost.template, index + 1, path, context);
      else if (hostSet !== undefined && hostSet.length > 0) vm.host = this.place(entry.placement ?? 'round-robin', hostSet, index, vm, placementRng, path, context);
      if (vm.host !== undefined) this.usedBytes.set(vm.host, (this.usedBytes.get(vm.host) ?? 0) + memoryBytes);
      return vm;
    });
  }

  /** Quotes drawn values in messages about a VM ("found 12GiB (drawn for vm-7)") instead of the distribution. */
  static drawnQuotes(context: NormalizeContext, vm: ConcreteVm, entry: VmEntry, path: Path): NormalizeContext {
    const quotes = new Map<string, string>();
    const quote = (key: Path, written: unknown, bytes: number | undefined) => {
      if (bytes !== undefined && typeof written === 'object') quotes.set(formatPath([...path, ...key]), drawnText(bytes, vm.name));
    };
    quote(['memory'], entry.memory, vm.memory);
    quote(['workload', 'workingSet'], entry.workload.workingSet, vm.workingSet);
    quote(['workload', 'writeWorkingSet'], entry.workload.writeWorkingSet, vm.writeWorkingSet);
    return new QuotingContext(context, quotes);
  }

  private fixedHost(entry: VmEntry, path: Path, context: NormalizeContext): string | { template: string } | undefined {
    if (entry.host === undefined) return undefined;
    if (entry.host.includes('{i}')) {
      if (entry.count === undefined) {
        context.add([...path, 'host'], describeFound(entry.host), 'a host name without {i} (add count to place VM number i on host {i})');
        return undefined;
      }
      return { template: entry.host };
    }
    return this.refs.host(entry.host, [...path, 'host']) === undefined ? undefined : entry.host;
  }

  private templateHost(template: string, number: number, path: Path, context: NormalizeContext): string | undefined {
    const name = template.replaceAll('{i}', String(number));
    if (this.refs.hosts.has(name)) return name;
    context.add([...path, 'host'], describeFound(template), `a template naming declared hosts (VM ${number} would go to ${name}, which hosts does not declare)`);
    return undefined;
  }

  private place(rule: 'round-robin' | 'packed' | 'random', hosts: readonly string[], index: number, vm: ConcreteVm, rng: DrawRng, path: Path, context: NormalizeContext): string | undefined {
    if (rule === 'round-robin') return hosts[index % hosts.length];
    const fits = (host: string) => (this.usedBytes.get(host) ?? 0) + vm.memory <= this.refs.hosts.get(host)!.memoryBytes;
    if (rule === 'packed') {
      const host = hosts.find(fits);
      if (host === undefined) this.noRoom(vm, hosts, path, context);
      return host;
    }
    // random: a few uniform draws, then the first host with room from a drawn start (deterministic either way).
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const host = hosts[rng.int(0, hosts.length - 1)]!;
      if (fits(host)) return host;
    }
    const start = rng.int(0, hosts.length - 1);
    for (let k = 0; k < hosts.length; k += 1) {
      const host = hosts[(start + k) % hosts.length]!;
      if (fits(host)) return host;
    }
    this.noRoom(vm, hosts, path, context);
    return undefined;
  }

  private noRoom(vm: ConcreteVm, hosts: readonly string[], path: Path, context: NormalizeContext): void {
    context.add([...path, 'hosts'], context.found([...path, 'hosts'], ''), `hosts with room for ${vm.name} (${formatSize(vm.memory)}): the ${hosts.length} host(s) of the set are full`);
  }
}

/** A distribution that cannot be drawn from is reported; its min (or first choice) stands in so later checks do not cascade. */
function usable<T extends Distribution<unknown> | unknown>(value: T, path: Path, context: NormalizeContext): T {
  if (!isDistribution(value as never)) return value;
  const dist = value as Distribution<never>;
  if (checkDistribution(dist, path, context)) return value;
  return (dist.min ?? dist.choices?.[0]) as T;
}

/** Reports each problem of an entry once (its VMs share a path) and quotes drawn values. */
export class OncePerPathContext extends NormalizeContext {
  private readonly reported = new Set<string>();

  constructor(private readonly inner: NormalizeContext) {
    super(inner.issues, undefined);
  }

  override found(path: Path, fallback: string): string {
    return this.inner.found(path, fallback);
  }

  override add(path: Path, found: string, expected: string, hint?: string): void {
    const key = formatPath(path);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.inner.add(path, found, expected, hint);
  }
}

class QuotingContext extends NormalizeContext {
  constructor(
    private readonly inner: NormalizeContext,
    private readonly quotes: ReadonlyMap<string, string>,
  ) {
    super(inner.issues, undefined);
  }

  override found(path: Path, fallback: string): string {
    return this.quotes.get(formatPath(path)) ?? this.inner.found(path, fallback);
  }

  override add(path: Path, found: string, expected: string, hint?: string): void {
    this.inner.add(path, found, expected, hint);
  }
}
