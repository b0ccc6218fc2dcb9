import { applyFault, type FaultSpec, type FaultTarget, type MigrationEndpoints } from '@migsim/orchestration';
import { faultOf, flowCapOf, type HostSpec, type ScenarioVariant } from '@migsim/scenario';
import { LinkModel } from '@migsim/sim';
import { paramsOf } from './drain-plans';
import type { VariantState } from './run-record';

/** The fault kinds this network carries out; host crashes and cancels are the RunDriver's. */
const LINK_FAULTS = new Set<string>(['link-down', 'bandwidth-drop', 'latency']);

/** The rate and one-way latency a running migration's source should pace its page stream at. */
export interface FlowRate {
  readonly bytesPerSec: number;
  readonly latencyNs: number;
}

/**
 * The network of one variant as the controller sees it: libs/sim's
 * `LinkModel` (full-duplex NICs shared max-min fairly by the migrations
 * running over them, paths and NICs taken down, capped or slowed by link
 * faults), so the services pace migrations as the in-process engine does.
 *
 * It is the fault target of the link fault kinds (`link-down`,
 * `bandwidth-drop`, `latency`) of libs/orchestration's registry; host crashes
 * and cancels stay with the RunDriver, which owns hosts and migrations.
 * Nothing here is persisted: a resumed controller rebuilds it by replaying the
 * faults already fired at their simulated times (`replay`).
 */
export class VariantNetwork implements FaultTarget {
  private readonly links = new LinkModel();
  private readonly hosts = new Set<string>();
  private readonly endpoints = new Map<string, MigrationEndpoints>();
  private readonly reverts: { atNs: number; seq: number; revert: () => void }[] = [];
  private readonly sent = new Map<string, FlowRate>();
  private revertSeq = 0;
  private now = 0;

  constructor(hosts: readonly HostSpec[]) {
    for (const host of hosts) {
      this.links.addHost(host.name, host.linkBytesPerSec, host.latencyNs);
      this.hosts.add(host.name);
    }
  }

  /**
   * A variant's network from its persisted state: on a resumed controller the
   * link faults already fired are replayed at their simulated times and the
   * attempts still running get their flows back; every running flow's rate is
   * then handed out again (`changedFlows` repeats them all).
   */
  static restore(variant: ScenarioVariant, state: VariantState): VariantNetwork {
    const network = new VariantNetwork(variant.hosts);
    for (const migration of state.migrations) network.knowMigration({ id: migration.id, vmName: migration.vm, sourceHost: migration.source, destinationHost: migration.destination });
    const firedAt = state.faultTimesNs ?? {};
    const fired = variant.faults.filter((fault) => LINK_FAULTS.has(fault.kind) && firedAt[fault.index] !== undefined).sort((a, b) => firedAt[a.index]! - firedAt[b.index]! || a.index - b.index);
    for (const fault of fired) network.fire(faultOf(fault), firedAt[fault.index]!);
    for (const migration of state.migrations) {
      if (migration.status !== 'running') continue;
      network.startFlow(migration.id, { id: migration.id, vmName: migration.vm, sourceHost: migration.source, destinationHost: migration.destination }, flowCapOf(paramsOf(variant, migration.id)));
    }
    network.forgetHandedOut();
    return network;
  }

  /** Applies a link fault at `atNs` (reverts due by then run first). */
  fire(fault: FaultSpec, atNs: number): void {
    this.advanceTo(atNs);
    applyFault(fault, this);
  }

  /** Runs the reverts of faults whose duration ended by `nowNs`, in time order. */
  advanceTo(nowNs: number): void {
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.reverts.length; i++) {
        const candidate = this.reverts[i]!;
        if (candidate.atNs > nowNs) continue;
        const best = next < 0 ? undefined : this.reverts[next]!;
        if (best === undefined || candidate.atNs < best.atNs || (candidate.atNs === best.atNs && candidate.seq < best.seq)) next = i;
      }
      if (next < 0) break;
      const [due] = this.reverts.splice(next, 1);
      this.now = due!.atNs;
      due!.revert();
    }
    this.now = Math.max(this.now, nowNs);
  }

  /** A migration attempt starts moving bytes: a new flow, capped by its own max-bandwidth. */
  startFlow(migration: string, endpoints: MigrationEndpoints, capBytesPerSec: number): FlowRate {
    this.endpoints.set(migration, endpoints);
    if (this.links.hasFlow(migration)) this.links.stopFlow(migration);
    this.links.startFlow({ id: migration, sourceHost: endpoints.sourceHost, destinationHost: endpoints.destinationHost, capBytesPerSec });
    const rate = this.rateOf(migration);
    this.sent.set(migration, rate);
    return rate;
  }

  stopFlow(migration: string): void {
    if (this.links.hasFlow(migration)) this.links.stopFlow(migration);
    this.sent.delete(migration);
  }

  /** Flows whose rate or latency changed since they were last handed out; they count as handed out now. */
  changedFlows(): { migration: string; rate: FlowRate }[] {
    const changed: { migration: string; rate: FlowRate }[] = [];
    for (const [migration, last] of this.sent) {
      const rate = this.rateOf(migration);
      if (rate.bytesPerSec === last.bytesPerSec && rate.latencyNs === last.latencyNs) continue;
      this.sent.set(migration, rate);
      changed.push({ migration, rate });
    }
    return changed;
  }

  /** Forgets what was handed out, so the next `changedFlows` repeats every flow (a resumed controller re-sends them). */
  forgetHandedOut(): void {
    for (const migration of this.sent.keys()) this.sent.set(migration, { bytesPerSec: -1, latencyNs: -1 });
  }

  private rateOf(migration: string): FlowRate {
    const endpoints = this.endpoints.get(migration)!;
    return { bytesPerSec: this.links.rateBytesPerSec(migration), latencyNs: this.links.latencyNs(endpoints.sourceHost, endpoints.destinationHost) };
  }

  // ---- FaultTarget (libs/orchestration), for the link fault kinds ----------

  nowNs(): number {
    return this.now;
  }

  hostExists(host: string): boolean {
    return this.hosts.has(host);
  }

  migrationEndpoints(migration: string): MigrationEndpoints | undefined {
    return this.endpoints.get(migration);
  }

  /** Registers a migration's endpoints before it ever started (a fault may name it first). */
  knowMigration(endpoints: MigrationEndpoints): void {
    if (!this.endpoints.has(endpoints.id)) this.endpoints.set(endpoints.id, endpoints);
  }

  setPathDown(a: string, b: string, down: boolean): void {
    this.links.setPathDown(a, b, down);
  }

  setHostLinkDown(host: string, down: boolean): void {
    this.links.setHostNicDown(host, down);
  }

  setPathCap(a: string, b: string, capBytesPerSec: number): void {
    this.links.setPathCap(a, b, capBytesPerSec);
  }

  setHostNicRate(host: string, bytesPerSec: number): void {
    this.links.setHostNicRate(host, bytesPerSec);
  }

  hostNicRate(host: string): number {
    return this.links.hostNicRate(host);
  }

  addPathLatency(a: string, b: string, latencyNs: number): void {
    this.links.addPathLatency(a, b, latencyNs);
  }

  schedule(atNs: number, revert: () => void): void {
    this.reverts.push({ atNs, seq: this.revertSeq++, revert });
  }

  crashHost(): void {
    throw new Error('VariantNetwork: host crashes are the RunDriver’s (only link faults are fired here)');
  }

  recoverHost(): void {
    throw new Error('VariantNetwork: host recoveries are the RunDriver’s (only link faults are fired here)');
  }

  cancelMigration(): void {
    throw new Error('VariantNetwork: cancels are the RunDriver’s (only link faults are fired here)');
  }
}
