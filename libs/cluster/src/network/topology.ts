import type { NetworkSpec } from '@migsim/scenario';

/** Which kind of link a resource is, for utilisation reports. */
export type LinkTier = 'nic' | 'uplink' | 'core';
export const LINK_TIERS: readonly LinkTier[] = ['nic', 'uplink', 'core'];

/**
 * Where migrations travel: every host's NIC (egress and ingress are separate
 * resources: full duplex), and with racks each rack's top-of-rack uplink
 * (towards the core and back, separately) and the core. A path from `a` to
 * `b` crosses a's egress and b's ingress; between racks (a host outside
 * every rack hangs off the core) also a's uplink out, the core (when it has
 * a capacity) and b's uplink in. With a dedicated migration network the
 * migrations use its NICs, uplinks and core, which carry no tenant traffic;
 * otherwise the primary network's links are left `1 - background` of their
 * capacity.
 *
 * Resource indices: host h has egress 2h and ingress 2h + 1; rack k has up
 * `rackBase + 2k` and down `rackBase + 2k + 1`; the core is last.
 */
export class Topology {
  readonly rackBase: number;
  readonly coreIndex: number;
  readonly resourceCount: number;
  /** Capacity of each resource with no fault, background traffic deducted. */
  readonly capacity: Float64Array;
  readonly tier: LinkTier[];
  /** Each host's rack index, or -1 outside every rack. */
  readonly rackOf: Int32Array;
  readonly rackNames: string[];
  /** The network migrations use: NIC rates are set by the scenario's hosts on the primary one. */
  readonly dedicated: boolean;
  readonly availableShare: number;
  readonly rackLatencyNs: number;
  readonly coreLatencyNs: number;
  private readonly hasCore: boolean;

  constructor(hostNames: readonly string[], nicBytesPerSec: readonly number[], network: NetworkSpec | undefined) {
    const hostIndex = new Map(hostNames.map((name, index) => [name, index]));
    const racks = network?.racks ?? [];
    const migration = network?.migrationNetwork ?? null;
    this.dedicated = migration !== null;
    this.availableShare = migration === null ? 1 - (network?.backgroundFraction ?? 0) : 1;
    this.rackLatencyNs = network?.rackLatencyNs ?? 0;
    this.coreLatencyNs = network?.coreLatencyNs ?? 0;
    this.rackBase = 2 * hostNames.length;
    this.coreIndex = this.rackBase + 2 * racks.length;
    this.resourceCount = this.coreIndex + 1;
    this.rackNames = racks.map((rack) => rack.name);
    this.rackOf = new Int32Array(hostNames.length).fill(-1);
    racks.forEach((rack, k) => {
      for (const host of rack.hosts) {
        const h = hostIndex.get(host);
        if (h !== undefined) this.rackOf[h] = k;
      }
    });
    const core = migration === null ? (network?.coreBytesPerSec ?? null) : migration.coreBytesPerSec;
    this.hasCore = core !== null;
    this.capacity = new Float64Array(this.resourceCount);
    this.tier = new Array<LinkTier>(this.resourceCount);
    hostNames.forEach((_, h) => {
      const nic = migration === null ? nicBytesPerSec[h]! : migration.linkBytesPerSec;
      this.capacity[2 * h] = this.capacity[2 * h + 1] = nic * this.availableShare;
      this.tier[2 * h] = this.tier[2 * h + 1] = 'nic';
    });
    racks.forEach((rack, k) => {
      const uplink = migration === null ? rack.uplinkBytesPerSec : (rack.migrationUplinkBytesPerSec ?? rack.uplinkBytesPerSec);
      const at = this.rackBase + 2 * k;
      this.capacity[at] = this.capacity[at + 1] = uplink * this.availableShare;
      this.tier[at] = this.tier[at + 1] = 'uplink';
    });
    this.capacity[this.coreIndex] = core === null ? Infinity : core * this.availableShare;
    this.tier[this.coreIndex] = 'core';
  }

  /** Appends the resources a flow from host `a` to host `b` crosses (host indices). */
  path(a: number, b: number, out: number[]): void {
    out.push(2 * a);
    const rackA = this.rackOf[a]!;
    const rackB = this.rackOf[b]!;
    if (!this.sameRack(rackA, rackB) && this.rackNames.length > 0) {
      if (rackA >= 0) out.push(this.rackBase + 2 * rackA);
      if (this.hasCore) out.push(this.coreIndex);
      if (rackB >= 0) out.push(this.rackBase + 2 * rackB + 1);
    }
    out.push(2 * b + 1);
  }

  /** What the fabric adds to a path's latency: within a rack, or across the core. */
  fabricLatencyNs(a: number, b: number): number {
    const rackA = this.rackOf[a]!;
    const rackB = this.rackOf[b]!;
    if (rackA < 0 && rackB < 0) return this.rackNames.length === 0 ? 0 : this.coreLatencyNs;
    return this.sameRack(rackA, rackB) ? this.rackLatencyNs : this.coreLatencyNs;
  }

  /** The smallest latency the fabric adds to any path (a lower bound for lookahead). */
  minFabricLatencyNs(): number {
    return this.rackNames.length === 0 ? 0 : Math.min(this.rackLatencyNs, this.coreLatencyNs);
  }

  private sameRack(rackA: number, rackB: number): boolean {
    return rackA >= 0 && rackA === rackB;
  }
}
