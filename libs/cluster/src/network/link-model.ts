import type { NetworkSpec } from '@migsim/scenario';
import { MaxMinSolver } from './max-min';
import { loadsByTier, TierCapacities, uniqueSorted, type TierLoad } from './tier-capacity';
import { Topology } from './topology';

/**
 * The in-memory network: every host has a full-duplex NIC (the same rate
 * out and in); with a `network:` section, racks whose top-of-rack uplinks
 * reach a core, and optionally a dedicated migration network (see
 * `Topology`). Every migration is a flow from a source host to a
 * destination host, and concurrent flows share **every link their paths
 * cross max-min fairly** (`MaxMinSolver`): all unfrozen flows grow at the
 * same pace until a link saturates or a flow reaches its own cap (its
 * `max-bandwidth`); those flows freeze and the others keep growing.
 *
 * Rates are recomputed on demand after any start, stop or link change. A
 * link or host that is down gives its flows a rate of 0; latency faults add
 * to a path's one-way latency.
 */
export interface FlowSpec {
  id: string;
  sourceHost: string;
  destinationHost: string;
  /** The flow's own cap in bytes/s (`max-bandwidth`); Infinity = none. */
  capBytesPerSec: number;
}

interface PathState {
  down: boolean;
  capBytesPerSec: number;
  addedLatencyNs: number;
}

interface FlowEntry {
  spec: FlowSpec;
  source: number;
  destination: number;
  index: number;
}

/** What a flow's source is told at a re-rating (see `LinkModel.flowState`). */
export interface FlowState {
  rateBytesPerSec: number;
  burstRateBytesPerSec: number;
  latencyNs: number;
  pathUp: boolean;
}

export class LinkModel {
  private readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly nicBytesPerSec: number[] = [];
  /** NIC rates of the dedicated migration network changed by faults (its NICs are otherwise all `link`). */
  private readonly migrationNicBytesPerSec = new Map<number, number>();
  private readonly hostLatencyNs: number[] = [];
  /** Latency faults on a host's access link, on top of its own latency. */
  private readonly addedHostLatencyNs: number[] = [];
  private readonly hostDown = new Set<number>();
  private readonly nicDown = new Set<number>();
  private readonly paths = new Map<string, PathState>();
  private readonly flows = new Map<string, FlowEntry>();
  private network: NetworkSpec | undefined;
  private topology: Topology | undefined;
  private capacity = new Float64Array(0);
  private load = new Float64Array(0);
  private caps = new Float64Array(0);
  private rates = new Float64Array(0);
  private pathStart = new Int32Array(1);
  private pathResources = new Int32Array(0);
  private readonly solver = new MaxMinSolver();
  /** Each tier's links of finite capacity and their total capacity (made with the topology). */
  private tierCapacities: TierCapacities | undefined;
  /** The links the flows cross, in resource order (null: to recompute after the flows changed). */
  private crossed: Int32Array | null = null;
  private structureDirty = true;
  private flowsDirty = true;
  private dirty = true;

  constructor(private readonly baseLatencyNs = 0) {}

  /** A host with its NIC rate (each direction) and the one-way latency of its access link. */
  addHost(name: string, nicBytesPerSec: number, latencyNs = 0): void {
    if (!(nicBytesPerSec >= 0)) throw new RangeError(`NIC rate of ${name} must be >= 0, got ${nicBytesPerSec}`);
    if (this.index.has(name)) {
      const h = this.index.get(name)!;
      this.nicBytesPerSec[h] = nicBytesPerSec;
      this.hostLatencyNs[h] = latencyNs;
    } else {
      this.index.set(name, this.names.length);
      this.names.push(name);
      this.nicBytesPerSec.push(nicBytesPerSec);
      this.hostLatencyNs.push(latencyNs);
      this.addedHostLatencyNs.push(0);
    }
    this.structureDirty = true;
  }

  /** Racks, uplinks, core and a dedicated migration network (undefined: every host on one switch). */
  setNetwork(network: NetworkSpec | undefined): void {
    this.network = network;
    this.structureDirty = true;
  }

  /** Changes a host's NIC rate (a bandwidth-drop fault on a host): the NIC migrations use. */
  setHostNicRate(name: string, nicBytesPerSec: number): void {
    const h = this.requireHost(name);
    const dedicated = Boolean(this.network?.migrationNetwork);
    if (dedicated) this.migrationNicBytesPerSec.set(h, nicBytesPerSec);
    else this.nicBytesPerSec[h] = nicBytesPerSec;
    if (this.structureDirty || this.topology === undefined) {
      this.structureDirty = true;
      return;
    }
    // Only the host's two NIC links change (the values rebuildStructure would
    // give them): rebuilding the fabric would cost every host of the cluster
    // at each drop and restore.
    this.capacity[2 * h] = this.capacity[2 * h + 1] = dedicated ? nicBytesPerSec : nicBytesPerSec * this.topology.availableShare;
    this.tierCapacities!.changed(2 * h, 2 * h + 2);
    this.dirty = true;
  }

  /** The rate of the NIC migrations use (the dedicated network's, when there is one). */
  hostNicRate(name: string): number {
    const h = this.requireHost(name);
    const migration = this.network?.migrationNetwork;
    return migration ? (this.migrationNicBytesPerSec.get(h) ?? migration.linkBytesPerSec) : this.nicBytesPerSec[h]!;
  }

  /** A host whose NIC is down (crashed host, unplugged cable) carries nothing. */
  setHostUp(name: string, up: boolean): void {
    const h = this.requireHost(name);
    if (up) this.hostDown.delete(h);
    else this.hostDown.add(h);
    this.dirty = true;
  }

  isHostUp(name: string): boolean {
    return !this.hostDown.has(this.requireHost(name));
  }

  /** A host's NIC (or its switch port) goes down while the host itself runs on. */
  setHostNicDown(name: string, down: boolean): void {
    const h = this.requireHost(name);
    if (down) this.nicDown.add(h);
    else this.nicDown.delete(h);
    this.dirty = true;
  }

  /** Link down / up between two hosts (both directions: a partition). */
  setPathDown(a: string, b: string, down: boolean): void {
    this.path(a, b).down = down;
    this.dirty = true;
  }

  /** Caps the path between two hosts (a bandwidth-drop fault on a path); Infinity lifts it. */
  setPathCap(a: string, b: string, capBytesPerSec: number): void {
    this.path(a, b).capBytesPerSec = capBytesPerSec;
    this.dirty = true;
  }

  /** Adds `latencyNs` to the path's one-way latency (cumulative; pass a negative value to remove). */
  addPathLatency(a: string, b: string, latencyNs: number): void {
    const path = this.path(a, b);
    path.addedLatencyNs = Math.max(0, path.addedLatencyNs + latencyNs);
  }

  /** Adds `latencyNs` to the host's access link, so to every path through it (cumulative; negative removes). */
  addHostLatency(name: string, latencyNs: number): void {
    const h = this.requireHost(name);
    this.addedHostLatencyNs[h] = Math.max(0, this.addedHostLatencyNs[h]! + latencyNs);
  }

  /**
   * One-way latency between two hosts in ns: the base latency, both hosts'
   * access links (a path crosses both, as in SimGrid's cluster model) with
   * what latency faults added to them, what the fabric adds (within a rack,
   * or through the core), and what latency faults added to the path.
   */
  latencyNs(a: string, b: string): number {
    const ha = this.index.get(a);
    const hb = this.index.get(b);
    if (ha === undefined || hb === undefined) {
      const access = (ha === undefined ? 0 : this.accessLatencyNs(ha)) + (hb === undefined ? 0 : this.accessLatencyNs(hb));
      return this.baseLatencyNs + access + (this.pathOf(a, b)?.addedLatencyNs ?? 0);
    }
    return this.pathLatencyNs(ha, hb, this.pathOf(a, b));
  }

  private pathLatencyNs(ha: number, hb: number, path: PathState | undefined): number {
    const access = this.accessLatencyNs(ha) + this.accessLatencyNs(hb);
    return this.baseLatencyNs + access + this.topologyNow().fabricLatencyNs(ha, hb) + (path?.addedLatencyNs ?? 0);
  }

  /** The state set on the path between two hosts (a fault's), if any: no key is built while none is set (the usual run, asked per flow at every re-rating). */
  private pathOf(a: string, b: string): PathState | undefined {
    return this.paths.size === 0 ? undefined : this.paths.get(pathKey(a, b));
  }

  private accessLatencyNs(h: number): number {
    return this.hostLatencyNs[h]! + this.addedHostLatencyNs[h]!;
  }

  isPathUp(a: string, b: string): boolean {
    return this.pathUpBetween(this.requireHost(a), this.requireHost(b), this.pathOf(a, b));
  }

  startFlow(flow: FlowSpec): void {
    if (this.flows.has(flow.id)) throw new Error(`flow ${flow.id} already exists`);
    const source = this.requireHost(flow.sourceHost);
    const destination = this.requireHost(flow.destinationHost);
    this.flows.set(flow.id, { spec: { ...flow }, source, destination, index: -1 });
    this.flowsDirty = true;
  }

  /** Changes a running flow's own cap (e.g. QEMU `max-bandwidth` set mid-migration). */
  setFlowCap(id: string, capBytesPerSec: number): void {
    const flow = this.flows.get(id);
    if (flow === undefined) throw new Error(`no flow ${id}`);
    flow.spec.capBytesPerSec = capBytesPerSec;
    this.dirty = true;
  }

  stopFlow(id: string): void {
    if (this.flows.delete(id)) this.flowsDirty = true;
  }

  hasFlow(id: string): boolean {
    return this.flows.has(id);
  }

  /** The flow's current max-min fair rate in bytes/s (0 if unknown). */
  rateBytesPerSec(id: string): number {
    this.refresh();
    const flow = this.flows.get(id);
    return flow === undefined ? 0 : this.rates[flow.index]!;
  }

  /**
   * What the flow's path has beside the other flows at their current rates:
   * the rate a flow gets once it stops limiting itself (QEMU's final
   * stop-and-copy and post-copy ignore `max-bandwidth`), before the others
   * yield to it — they do not within the few milliseconds such a burst
   * lasts. The path's own cap still applies; 0 while the path is down.
   */
  burstRateBytesPerSec(id: string): number {
    const flow = this.flows.get(id);
    if (flow === undefined) return 0;
    this.refresh();
    const path = this.pathOf(flow.spec.sourceHost, flow.spec.destinationHost);
    return this.pathUpBetween(flow.source, flow.destination, path) ? this.burstOf(flow, path) : 0;
  }

  /**
   * Everything a flow's source is told at a re-rating (`NetworkBroker`),
   * written into `out`: its rate, its burst rate, its path's one-way latency
   * and whether the path is up — from the flow's host indices, so that
   * re-rating a hundred flows at every start and stop costs no name lookup.
   * The same values as `rateBytesPerSec`, `burstRateBytesPerSec`,
   * `latencyNs` and `isPathUp`. False (and `out` untouched): no such flow.
   */
  flowState(id: string, out: FlowState): boolean {
    const flow = this.flows.get(id);
    if (flow === undefined) return false;
    this.refresh();
    const path = this.pathOf(flow.spec.sourceHost, flow.spec.destinationHost);
    const up = this.pathUpBetween(flow.source, flow.destination, path);
    out.rateBytesPerSec = this.rates[flow.index]!;
    out.burstRateBytesPerSec = up ? this.burstOf(flow, path) : 0;
    out.latencyNs = this.pathLatencyNs(flow.source, flow.destination, path);
    out.pathUp = up;
    return true;
  }

  /** Neither the path (a fault's state, if any) nor either host or its NIC is down. */
  private pathUpBetween(ha: number, hb: number, path: PathState | undefined): boolean {
    if (path?.down ?? false) return false;
    return !this.hostDown.has(ha) && !this.hostDown.has(hb) && !this.nicDown.has(ha) && !this.nicDown.has(hb);
  }

  private burstOf(flow: FlowEntry, path: PathState | undefined): number {
    const own = this.rates[flow.index]!;
    let left = path?.capBytesPerSec ?? Infinity;
    for (let p = this.pathStart[flow.index]!; p < this.pathStart[flow.index + 1]!; p++) {
      const r = this.pathResources[p]!;
      left = Math.min(left, this.capacity[r]! - this.load[r]! + own);
    }
    return Math.max(0, left);
  }

  /** Every flow's rate, recomputed if anything changed since the last call (in start order). */
  allRates(): ReadonlyMap<string, number> {
    this.refresh();
    const rates = new Map<string, number>();
    for (const [id, flow] of this.flows) rates.set(id, this.rates[flow.index]!);
    return rates;
  }

  /** Per tier: how much of its links the flows use, as of now (NICs, uplinks, core). */
  tierLoads(): TierLoad[] {
    this.refresh();
    const topology = this.topologyNow();
    this.crossed ??= uniqueSorted(this.pathResources);
    return loadsByTier(topology, this.tierCapacities!.totals(), this.crossed, this.capacity, this.load);
  }

  /** Max-min fair allocation (progressive filling over every link each path crosses). */
  recompute(): void {
    this.dirty = true;
    this.refresh();
  }

  private refresh(): void {
    if (this.structureDirty) this.rebuildStructure();
    if (this.flowsDirty) this.rebuildFlows();
    if (!this.dirty) return;
    this.dirty = false;
    for (const flow of this.flows.values()) {
      const up = this.isPathUp(flow.spec.sourceHost, flow.spec.destinationHost);
      const pathCap = this.pathOf(flow.spec.sourceHost, flow.spec.destinationHost)?.capBytesPerSec ?? Infinity;
      this.caps[flow.index] = up ? Math.min(flow.spec.capBytesPerSec, pathCap) : 0;
    }
    this.solver.solve(this.flows.size, this.caps, this.pathStart, this.pathResources, this.capacity, this.rates, this.load);
  }

  private topologyNow(): Topology {
    if (this.structureDirty || this.topology === undefined) this.rebuildStructure();
    return this.topology!;
  }

  private rebuildStructure(): void {
    const topology = new Topology(this.names, this.nicBytesPerSec, this.network);
    const capacity = topology.capacity.slice();
    // NIC rate changes (faults) apply to the NIC migrations use.
    for (const [h, rate] of this.migrationNicBytesPerSec) capacity[2 * h] = capacity[2 * h + 1] = rate;
    this.topology = topology;
    this.capacity = capacity;
    this.tierCapacities = new TierCapacities(topology, capacity);
    if (this.load.length !== topology.resourceCount) this.load = new Float64Array(topology.resourceCount);
    this.structureDirty = false;
    this.flowsDirty = true;
  }

  private rebuildFlows(): void {
    const topology = this.topologyNow();
    const count = this.flows.size;
    const resources: number[] = [];
    const starts = new Int32Array(count + 1);
    let i = 0;
    for (const flow of this.flows.values()) {
      flow.index = i;
      starts[i] = resources.length;
      topology.path(flow.source, flow.destination, resources);
      i += 1;
    }
    starts[count] = resources.length;
    this.pathStart = starts;
    this.pathResources = Int32Array.from(resources);
    this.crossed = null;
    if (this.caps.length < count) {
      this.caps = new Float64Array(count * 2);
      this.rates = new Float64Array(count * 2);
    }
    this.flowsDirty = false;
    this.dirty = true;
  }

  private path(a: string, b: string): PathState {
    this.requireHost(a);
    this.requireHost(b);
    const key = pathKey(a, b);
    let state = this.paths.get(key);
    if (state === undefined) {
      state = { down: false, capBytesPerSec: Infinity, addedLatencyNs: 0 };
      this.paths.set(key, state);
    }
    return state;
  }

  private requireHost(name: string): number {
    const h = this.index.get(name);
    if (h === undefined) throw new Error(`unknown host ${name}`);
    return h;
  }
}

function pathKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}
