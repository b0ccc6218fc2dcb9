/**
 * The in-memory network: every host has a full-duplex NIC (the same rate
 * out and in), every migration is a flow from a source host to a destination
 * host, and concurrent flows share NICs **max-min fairly** (progressive
 * filling / water-filling, Bertsekas & Gallager, "Data Networks", 6.5.2):
 * all unfrozen flows grow at the same pace until a resource saturates (a
 * source's egress, a destination's ingress) or a flow reaches its own cap
 * (its `max-bandwidth`); those flows freeze and the others keep growing.
 *
 * Rates are recomputed on every start, stop and link change (`recompute`).
 * A link or host that is down gives its flows a rate of 0; latency faults add
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

const RELATIVE_EPSILON = 1e-9;

export class LinkModel {
  private readonly nicBytesPerSec = new Map<string, number>();
  private readonly hostLatencyNs = new Map<string, number>();
  /** Latency faults on a host's access link, on top of its own latency. */
  private readonly addedHostLatencyNs = new Map<string, number>();
  private readonly hostDown = new Set<string>();
  private readonly nicDown = new Set<string>();
  private readonly paths = new Map<string, PathState>();
  private readonly flows = new Map<string, FlowSpec>();
  private readonly rates = new Map<string, number>();
  /** Sum of the flows' rates out of / into each host, as of the last recompute. */
  private readonly egressUsed = new Map<string, number>();
  private readonly ingressUsed = new Map<string, number>();
  private dirty = false;

  constructor(private readonly baseLatencyNs = 0) {}

  /** A host with its NIC rate (each direction) and the one-way latency of its access link. */
  addHost(name: string, nicBytesPerSec: number, latencyNs = 0): void {
    if (!(nicBytesPerSec >= 0)) throw new RangeError(`NIC rate of ${name} must be >= 0, got ${nicBytesPerSec}`);
    this.nicBytesPerSec.set(name, nicBytesPerSec);
    this.hostLatencyNs.set(name, latencyNs);
    this.dirty = true;
  }

  /** Changes a host's NIC rate (a bandwidth-drop fault on a host). */
  setHostNicRate(name: string, nicBytesPerSec: number): void {
    this.requireHost(name);
    this.nicBytesPerSec.set(name, nicBytesPerSec);
    this.dirty = true;
  }

  hostNicRate(name: string): number {
    return this.requireHost(name);
  }

  /** A host whose NIC is down (crashed host, unplugged cable) carries nothing. */
  setHostUp(name: string, up: boolean): void {
    this.requireHost(name);
    if (up) this.hostDown.delete(name);
    else this.hostDown.add(name);
    this.dirty = true;
  }

  isHostUp(name: string): boolean {
    return !this.hostDown.has(name);
  }

  /** A host's NIC (or its switch port) goes down while the host itself runs on. */
  setHostNicDown(name: string, down: boolean): void {
    this.requireHost(name);
    if (down) this.nicDown.add(name);
    else this.nicDown.delete(name);
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
    this.requireHost(name);
    this.addedHostLatencyNs.set(name, Math.max(0, (this.addedHostLatencyNs.get(name) ?? 0) + latencyNs));
  }

  /**
   * One-way latency between two hosts in ns: the base latency, both hosts'
   * access links (a path crosses both, as in SimGrid's cluster model) with
   * what latency faults added to them, and what latency faults added to the
   * path.
   */
  latencyNs(a: string, b: string): number {
    const access = this.accessLatencyNs(a) + this.accessLatencyNs(b);
    return this.baseLatencyNs + access + (this.paths.get(pathKey(a, b))?.addedLatencyNs ?? 0);
  }

  private accessLatencyNs(host: string): number {
    return (this.hostLatencyNs.get(host) ?? 0) + (this.addedHostLatencyNs.get(host) ?? 0);
  }

  isPathUp(a: string, b: string): boolean {
    if (this.paths.get(pathKey(a, b))?.down ?? false) return false;
    return this.isHostUp(a) && this.isHostUp(b) && !this.nicDown.has(a) && !this.nicDown.has(b);
  }

  startFlow(flow: FlowSpec): void {
    if (this.flows.has(flow.id)) throw new Error(`flow ${flow.id} already exists`);
    this.requireHost(flow.sourceHost);
    this.requireHost(flow.destinationHost);
    this.flows.set(flow.id, { ...flow });
    this.dirty = true;
  }

  /** Changes a running flow's own cap (e.g. QEMU `max-bandwidth` set mid-migration). */
  setFlowCap(id: string, capBytesPerSec: number): void {
    const flow = this.flows.get(id);
    if (flow === undefined) throw new Error(`no flow ${id}`);
    flow.capBytesPerSec = capBytesPerSec;
    this.dirty = true;
  }

  stopFlow(id: string): void {
    if (this.flows.delete(id)) {
      this.rates.delete(id);
      this.dirty = true;
    }
  }

  hasFlow(id: string): boolean {
    return this.flows.has(id);
  }

  /** The flow's current max-min fair rate in bytes/s (0 if unknown). */
  rateBytesPerSec(id: string): number {
    if (this.dirty) this.recompute();
    return this.rates.get(id) ?? 0;
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
    if (this.dirty) this.recompute();
    if (!this.isPathUp(flow.sourceHost, flow.destinationHost)) return 0;
    const own = this.rates.get(id) ?? 0;
    const egressUsed = (this.egressUsed.get(flow.sourceHost) ?? 0) - own;
    const ingressUsed = (this.ingressUsed.get(flow.destinationHost) ?? 0) - own;
    const pathCap = this.paths.get(pathKey(flow.sourceHost, flow.destinationHost))?.capBytesPerSec ?? Infinity;
    const egressLeft = this.nicBytesPerSec.get(flow.sourceHost)! - egressUsed;
    const ingressLeft = this.nicBytesPerSec.get(flow.destinationHost)! - ingressUsed;
    return Math.max(0, Math.min(pathCap, egressLeft, ingressLeft));
  }

  /** Every flow's rate, recomputed if anything changed since the last call. */
  allRates(): ReadonlyMap<string, number> {
    if (this.dirty) this.recompute();
    return this.rates;
  }

  /** Max-min fair allocation by progressive filling. */
  recompute(): void {
    this.dirty = false;
    this.rates.clear();
    const active: FlowSpec[] = [];
    for (const flow of this.flows.values()) {
      this.rates.set(flow.id, 0);
      if (this.isPathUp(flow.sourceHost, flow.destinationHost) && this.flowCap(flow) > 0) active.push(flow);
    }
    // Residual capacity per resource; egress and ingress of a host are separate (full duplex).
    const residual = new Map<string, number>();
    for (const flow of active) {
      residual.set(egress(flow.sourceHost), this.nicBytesPerSec.get(flow.sourceHost)!);
      residual.set(ingress(flow.destinationHost), this.nicBytesPerSec.get(flow.destinationHost)!);
    }
    let unfrozen = active;
    while (unfrozen.length > 0) {
      const users = new Map<string, number>();
      for (const flow of unfrozen) {
        increment(users, egress(flow.sourceHost));
        increment(users, ingress(flow.destinationHost));
      }
      let step = Infinity;
      for (const [resource, count] of users) step = Math.min(step, residual.get(resource)! / count);
      for (const flow of unfrozen) step = Math.min(step, this.flowCap(flow) - this.rates.get(flow.id)!);
      step = Math.max(0, step);
      for (const flow of unfrozen) {
        this.rates.set(flow.id, this.rates.get(flow.id)! + step);
        residual.set(egress(flow.sourceHost), residual.get(egress(flow.sourceHost))! - step);
        residual.set(ingress(flow.destinationHost), residual.get(ingress(flow.destinationHost))! - step);
      }
      const saturated = (resource: string): boolean =>
        residual.get(resource)! <= RELATIVE_EPSILON * Math.max(1, this.capacityOf(resource));
      const next = unfrozen.filter((flow) => {
        const rate = this.rates.get(flow.id)!;
        const cap = this.flowCap(flow);
        const capped = cap - rate <= RELATIVE_EPSILON * Math.max(1, cap === Infinity ? rate : cap);
        return !capped && !saturated(egress(flow.sourceHost)) && !saturated(ingress(flow.destinationHost));
      });
      if (next.length === unfrozen.length) break; // cannot happen with finite caps; guards a pathological input
      unfrozen = next;
    }
    this.egressUsed.clear();
    this.ingressUsed.clear();
    for (const flow of this.flows.values()) {
      const rate = this.rates.get(flow.id)!;
      this.egressUsed.set(flow.sourceHost, (this.egressUsed.get(flow.sourceHost) ?? 0) + rate);
      this.ingressUsed.set(flow.destinationHost, (this.ingressUsed.get(flow.destinationHost) ?? 0) + rate);
    }
  }

  private flowCap(flow: FlowSpec): number {
    const pathCap = this.paths.get(pathKey(flow.sourceHost, flow.destinationHost))?.capBytesPerSec ?? Infinity;
    return Math.min(flow.capBytesPerSec, pathCap);
  }

  private capacityOf(resource: string): number {
    return this.nicBytesPerSec.get(resource.slice(2)) ?? 0;
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
    const rate = this.nicBytesPerSec.get(name);
    if (rate === undefined) throw new Error(`unknown host ${name}`);
    return rate;
  }
}

function pathKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function egress(host: string): string {
  return `e:${host}`;
}

function ingress(host: string): string {
  return `i:${host}`;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
