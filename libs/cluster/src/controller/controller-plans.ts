import { groupHosts, OrchestrationError, pickDestination, planDrainMoves, type DrainHost, type DrainVm } from '@migsim/orchestration';
import type { BalancePlan, DrainPlan, VmSpec } from '@migsim/scenario';
import { PLAN_PROBE_DURATION_NS } from '../constants';
import type { ControllerPort } from './controller-port';
import type { MigrationRecord } from './migration-record';

interface WaitingDrain {
  plan: DrainPlan;
  expected: Set<string>;
  measured: Map<string, number>;
}

/**
 * What the controller does on its own schedule: explicit migrations at
 * their time, dirty-rate probes, drain and balance plans. A drain that
 * orders by dirty rate first probes every VM of the host (QEMU
 * `calc-dirty-rate`, 1 s each, in the plan's mode) and places the
 * migrations once every rate came back.
 */
export class ControllerPlans {
  private readonly waiting = new Map<string, WaitingDrain>();
  private readonly specs: ReadonlyMap<string, VmSpec>;
  private readonly rackOf: ReadonlyMap<string, string>;

  constructor(private readonly controller: ControllerPort) {
    this.specs = new Map(controller.variant.vms.map((vm) => [vm.name, vm]));
    const racks = new Map<string, string>();
    for (const rack of controller.variant.network?.racks ?? []) for (const host of rack.hosts) racks.set(host, rack.name);
    this.rackOf = racks;
  }

  scheduleAll(): void {
    const c = this.controller;
    const variant = c.variant;
    for (const migration of variant.migrations) {
      c.at(migration.atNs, () =>
        c.requestMigration({ id: migration.id, vmName: migration.vm, destinationHost: migration.to, params: migration.params, candidates: undefined, priority: 0 }),
      );
    }
    for (const plan of variant.plans) c.at(plan.atNs, () => (plan.kind === 'drain' ? this.drain(plan) : this.balance(plan)));
    for (const probe of variant.probes) {
      c.at(probe.atNs, () => {
        const host = c.view.hostOf(probe.vm);
        if (host === undefined || c.view.stateOf(probe.vm) !== 'running') {
          c.event('probe-skipped', probe.id, `VM ${probe.vm} is not running`);
          return;
        }
        c.toHost(host, { kind: 'probe.start', probe: probe.id, vm: probe.vm, mode: probe.mode, durationNs: probe.durationNs, reportRate: false });
      });
    }
  }

  // ---- drain --------------------------------------------------------------

  private drain(plan: DrainPlan): void {
    const c = this.controller;
    const vms = plan.hosts.flatMap((host) => c.view.vmsOn(host).filter((vm) => c.view.stateOf(vm) === 'running').map((vm) => ({ vm, host })));
    const byRate = plan.order === 'highest-dirty-rate' || plan.order === 'lowest-dirty-rate';
    const what = plan.hosts.length === 1 ? plan.hosts[0] : `${plan.hosts.length} hosts (${plan.hosts[0]} .. ${plan.hosts[plan.hosts.length - 1]})`;
    c.event('plan-started', plan.id, `drain ${what}: ${vms.length} VM(s), order ${plan.order}`);
    const probed = vms.filter(({ host }) => c.view.isUp(host));
    if (!byRate || plan.probe === null || probed.length === 0) {
      this.placeDrain(plan, new Map());
      return;
    }
    const waiting: WaitingDrain = { plan, expected: new Set(), measured: new Map() };
    this.waiting.set(plan.id, waiting);
    for (const { vm, host } of probed) {
      const probe = `${plan.id}/probe/${vm}`;
      waiting.expected.add(probe);
      c.toHost(host, { kind: 'probe.start', probe, vm, mode: plan.probe, durationNs: PLAN_PROBE_DURATION_NS, reportRate: true });
    }
  }

  /** A plan's probe reported (null: it could not run; the configured rate stands in). */
  probeEnded(probe: string, vm: string, rateBytesPerSec: number | null): void {
    for (const waiting of this.waiting.values()) {
      if (!waiting.expected.delete(probe)) continue;
      if (rateBytesPerSec !== null) waiting.measured.set(vm, rateBytesPerSec);
      if (waiting.expected.size === 0) {
        this.waiting.delete(waiting.plan.id);
        this.placeDrain(waiting.plan, waiting.measured);
      }
      return;
    }
  }

  private placeDrain(plan: DrainPlan, rates: ReadonlyMap<string, number>): void {
    const c = this.controller;
    const drained = new Set(plan.hosts);
    const all = this.placedVms(rates);
    const staying = all.filter((vm) => !drained.has(vm.host) || c.view.stateOf(vm.name) !== 'running');
    const moving = all.filter((vm) => drained.has(vm.host) && c.view.stateOf(vm.name) === 'running');
    try {
      const { moves, unplaced } = planDrainMoves(plan.hosts, this.drainHosts(), [...staying, ...moving, ...this.reservations()], {
        order: plan.order,
        candidates: plan.to,
        destination: plan.destination,
      });
      for (const move of moves) {
        c.requestMigration({ id: `${plan.id}/${move.vmName}`, vmName: move.vmName, destinationHost: move.destinationHost, params: plan.params, candidates: plan.to, priority: 0 });
      }
      for (const vm of unplaced) c.event('plan-unplaced', `${plan.id}/${vm.vmName}`, vm.reason);
    } catch (error) {
      if (!(error instanceof OrchestrationError)) throw error;
      c.event('plan-failed', plan.id, error.message);
    }
  }

  private placedVms(rates: ReadonlyMap<string, number> = new Map()): DrainVm[] {
    return this.controller.view.placed().map(({ vm, host }) => {
      const spec = this.specs.get(vm)!;
      const entry: DrainVm = { name: vm, host, memoryBytes: spec.memoryBytes, dirtyRateBytesPerSec: rates.get(vm) ?? spec.workload.dirtyRateBytesPerSec };
      if (spec.antiAffinity !== undefined) entry.antiAffinity = spec.antiAffinity;
      return entry;
    });
  }

  private drainHosts(): DrainHost[] {
    const view = this.controller.view;
    return this.controller.variant.hosts.map((host) => {
      const entry: DrainHost = { name: host.name, memoryBytes: host.memoryBytes, up: view.isUp(host.name) };
      const rack = this.rackOf.get(host.name);
      if (rack !== undefined) entry.rack = rack;
      return entry;
    });
  }

  /** Memory (and anti-affinity) promised to destinations by migrations queued or running (pseudo VMs on their destination). */
  private reservations(): DrainVm[] {
    const c = this.controller;
    const reserved: DrainVm[] = [];
    for (const record of c.records.values()) {
      if (!record.queued && record.running === undefined) continue;
      if (c.view.hostOf(record.vmName) === record.destinationHost) continue;
      const spec = this.specs.get(record.vmName)!;
      const entry: DrainVm = { name: `reserved:${record.id}`, host: record.destinationHost, memoryBytes: spec.memoryBytes };
      if (spec.antiAffinity !== undefined) entry.antiAffinity = spec.antiAffinity;
      reserved.push(entry);
    }
    return reserved;
  }

  /** A destination for a retry whose destination is down, by the drain rule; undefined when none has room. */
  repickDestination(record: MigrationRecord): string | undefined {
    const c = this.controller;
    const home = c.view.hostOf(record.vmName);
    if (home === undefined) return undefined;
    const allowed = record.candidates === undefined ? undefined : new Set(record.candidates);
    const candidates = this.drainHosts().filter((host) => host.up && host.name !== home && (allowed === undefined || allowed.has(host.name)));
    const free = new Map(candidates.map((host) => [host.name, host.memoryBytes]));
    const occupants = [...this.placedVms(), ...this.reservations()].filter((entry) => entry.name !== record.vmName && entry.name !== `reserved:${record.id}`);
    for (const entry of occupants) if (free.has(entry.host)) free.set(entry.host, free.get(entry.host)! - entry.memoryBytes);
    const spec = this.specs.get(record.vmName)!;
    const vm: DrainVm = { name: record.vmName, host: home, memoryBytes: spec.memoryBytes };
    if (spec.antiAffinity !== undefined) vm.antiAffinity = spec.antiAffinity;
    const rackOf = new Map(this.drainHosts().map((host) => [host.name, host.rack]));
    try {
      return pickDestination(vm, candidates, free, { destination: 'least-loaded', rackOf, groups: groupHosts(occupants) });
    } catch (error) {
      if (error instanceof OrchestrationError) return undefined;
      throw error;
    }
  }

  // ---- balance ------------------------------------------------------------

  /**
   * Greedy balance: while the memory utilisation of the fullest and the
   * emptiest host differ by more than `tolerance`, move the smallest running
   * VM of the fullest host that fits on the emptiest and narrows the gap
   * (ties by VM name), up to `maxMigrations`. Each VM moves at most once.
   */
  private balance(plan: BalancePlan): void {
    const c = this.controller;
    const view = c.view;
    const specs = new Map(c.variant.vms.map((vm) => [vm.name, vm]));
    const capacities = new Map(c.variant.hosts.map((host) => [host.name, host.memoryBytes]));
    const used = new Map(plan.hosts.map((host) => [host, 0]));
    const placement = new Map<string, string>();
    for (const { vm, host } of view.placed()) {
      if (!used.has(host)) continue;
      used.set(host, used.get(host)! + specs.get(vm)!.memoryBytes);
      placement.set(vm, host);
    }
    const capacity = (host: string) => capacities.get(host)!;
    const moved = new Set<string>();
    let count = 0;
    c.event('plan-started', plan.id, `balance ${plan.hosts.join(', ')}`);
    while (plan.maxMigrations === null || count < plan.maxMigrations) {
      const hosts = plan.hosts.filter((host) => view.isUp(host));
      if (hosts.length < 2) break;
      const util = (host: string) => used.get(host)! / capacity(host);
      const sorted = [...hosts].sort((a, b) => util(b) - util(a) || (a < b ? -1 : 1));
      const fullest = sorted[0]!;
      const emptiest = sorted[sorted.length - 1]!;
      const gap = util(fullest) - util(emptiest);
      if (gap <= plan.tolerance) break;
      const candidates = [...placement.entries()]
        .filter(([name, host]) => host === fullest && !moved.has(name) && view.stateOf(name) === 'running')
        .map(([name]) => specs.get(name)!)
        .filter((vm) => used.get(emptiest)! + vm.memoryBytes <= capacity(emptiest))
        .filter((vm) => Math.abs(util(fullest) - vm.memoryBytes / capacity(fullest) - (util(emptiest) + vm.memoryBytes / capacity(emptiest))) < gap)
        .sort((a, b) => a.memoryBytes - b.memoryBytes || (a.name < b.name ? -1 : 1));
      const vm = candidates[0];
      if (vm === undefined) break;
      moved.add(vm.name);
      used.set(fullest, used.get(fullest)! - vm.memoryBytes);
      used.set(emptiest, used.get(emptiest)! + vm.memoryBytes);
      placement.set(vm.name, emptiest);
      c.requestMigration({ id: `${plan.id}/${vm.name}`, vmName: vm.name, destinationHost: emptiest, params: plan.params, candidates: plan.hosts, priority: 0 });
      count += 1;
    }
  }
}
