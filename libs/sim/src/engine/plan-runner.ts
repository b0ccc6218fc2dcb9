import { measuredDirtyRate, vcpuStallNs } from '@migsim/migration';
import { OrchestrationError, pickDestination, planDrain, type DrainHost, type DrainVm } from '@migsim/orchestration';
import type { BalancePlan, DrainPlan, ProbeMode } from '@migsim/scenario';
import { GUEST_RAM_SLOT_ID, PLAN_PROBE_DURATION_NS } from './constants';
import type { MigrationRecord } from './migration-record';
import type { VariantRun } from './variant-run';
import type { VmRuntime } from './vm-runtime';

/**
 * What the controller does on its own schedule: explicit migrations at
 * their time, drain and balance plans, and dirty-rate probes (QEMU
 * `calc-dirty-rate`: `page-sampling` reads pages and leaves the MMU alone;
 * `dirty-bitmap` switches dirty logging on for the measurement and off
 * after it, which needs the recovery path like a failed migration).
 */
export class PlanRunner {
  constructor(private readonly run: VariantRun) {}

  scheduleAll(): void {
    const run = this.run;
    for (const migration of run.variant.migrations) {
      run.at(migration.atNs, () =>
        run.requestMigration({ id: migration.id, vmName: migration.vm, destinationHost: migration.to, params: migration.params, candidates: undefined, priority: 0 }),
      );
    }
    for (const plan of run.variant.plans) run.at(plan.atNs, () => (plan.kind === 'drain' ? this.drain(plan) : this.balance(plan)));
    for (const probe of run.variant.probes) {
      run.at(probe.atNs, () => this.startProbe(probe.id, run.vms.get(probe.vm)!, probe.mode, probe.durationNs));
    }
    for (const check of run.variant.checks) {
      if (check.kind === 'host-drained' && check.byNs !== null && appliesTo(check.variants, run.variant.name)) {
        const byNs = check.byNs;
        run.at(byNs, () => run.snapshots.set(check.name, this.vmsOn(check.host)));
      }
    }
  }

  /** VM names whose memory lives on `host` now (VMs down with a crashed host count). */
  vmsOn(host: string): string[] {
    return [...this.run.vms.values()].filter((vm) => vm.home === host && vm.state !== 'lost').map((vm) => vm.name);
  }

  /** Levels of throughput that `recovers` checks ask about for `vmName`. */
  watchedFractions(vmName: string): number[] {
    const run = this.run;
    return run.variant.checks
      .filter((check) => check.kind === 'recovers' && check.vm === vmName && appliesTo(check.variants, run.variant.name))
      .map((check) => (check.kind === 'recovers' ? check.toFraction : 0));
  }

  // ---- drain --------------------------------------------------------------

  private drain(plan: DrainPlan): void {
    const run = this.run;
    const vms = [...run.vms.values()].filter((vm) => vm.home === plan.host && vm.state === 'running');
    const byRate = plan.order === 'highest-dirty-rate' || plan.order === 'lowest-dirty-rate';
    run.event('plan-started', plan.id, `drain ${plan.host}: ${vms.length} VM(s), order ${plan.order}`);
    if (!byRate || plan.probe === null) {
      this.placeDrain(plan, new Map(vms.map((vm) => [vm.name, vm.spec.workload.dirtyRateBytesPerSec])));
      return;
    }
    const measured = new Map<string, number>();
    for (const vm of vms) this.startProbe(`${plan.id}/probe/${vm.name}`, vm, plan.probe, PLAN_PROBE_DURATION_NS, (rate) => measured.set(vm.name, rate));
    run.at(run.nowNs + PLAN_PROBE_DURATION_NS, () => this.placeDrain(plan, measured));
  }

  private placeDrain(plan: DrainPlan, rates: ReadonlyMap<string, number>): void {
    const run = this.run;
    const drainVms: DrainVm[] = [...run.vms.values()]
      .filter((vm) => vm.home !== undefined && vm.state !== 'lost')
      .map((vm) => ({ name: vm.name, host: vm.home!, memoryBytes: vm.spec.memoryBytes, dirtyRateBytesPerSec: rates.get(vm.name) ?? vm.spec.workload.dirtyRateBytesPerSec }));
    const moving = drainVms.filter((vm) => vm.host === plan.host && run.vms.get(vm.name)!.state === 'running');
    try {
      const moves = planDrain([plan.host], this.drainHosts(), [...drainVms.filter((vm) => vm.host !== plan.host), ...moving, ...this.reservations()], {
        order: plan.order,
        candidates: plan.to,
      });
      for (const move of moves) {
        run.requestMigration({ id: `${plan.id}/${move.vmName}`, vmName: move.vmName, destinationHost: move.destinationHost, params: plan.params, candidates: plan.to, priority: 0 });
      }
    } catch (error) {
      if (!(error instanceof OrchestrationError)) throw error;
      run.event('plan-failed', plan.id, error.message);
    }
  }

  private drainHosts(): DrainHost[] {
    return [...this.run.hosts.values()].map((host) => ({ name: host.spec.name, memoryBytes: host.spec.memoryBytes, up: host.up }));
  }

  /** Memory promised to destinations by migrations queued or running (pseudo VMs on their destination). */
  private reservations(): DrainVm[] {
    const reserved: DrainVm[] = [];
    for (const record of this.run.records.values()) {
      if (!record.queued && record.runningAttempt === undefined) continue;
      const vm = this.run.vms.get(record.vmName)!;
      if (vm.home === record.destinationHost) continue;
      reserved.push({ name: `reserved:${record.id}`, host: record.destinationHost, memoryBytes: vm.spec.memoryBytes });
    }
    return reserved;
  }

  /** A destination for a retry whose destination is down, by the drain rule; undefined when none has room. */
  repickDestination(record: MigrationRecord): string | undefined {
    const run = this.run;
    const vm = run.vms.get(record.vmName)!;
    if (vm.home === undefined) return undefined;
    const allowed = record.candidates === undefined ? undefined : new Set(record.candidates);
    const candidates = this.drainHosts().filter((host) => host.up && host.name !== vm.home && (allowed === undefined || allowed.has(host.name)));
    const placed: DrainVm[] = [...run.vms.values()]
      .filter((other) => other.home !== undefined && other.state !== 'lost')
      .map((other) => ({ name: other.name, host: other.home!, memoryBytes: other.spec.memoryBytes }));
    const free = new Map(candidates.map((host) => [host.name, host.memoryBytes]));
    for (const entry of [...placed, ...this.reservations()]) if (free.has(entry.host)) free.set(entry.host, free.get(entry.host)! - entry.memoryBytes);
    try {
      return pickDestination({ name: vm.name, host: vm.home, memoryBytes: vm.spec.memoryBytes }, candidates, free);
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
    const run = this.run;
    const used = new Map(plan.hosts.map((host) => [host, 0]));
    const placement = new Map<string, string>();
    for (const vm of run.vms.values()) {
      if (vm.home !== undefined && used.has(vm.home) && vm.state !== 'lost') {
        used.set(vm.home, used.get(vm.home)! + vm.spec.memoryBytes);
        placement.set(vm.name, vm.home);
      }
    }
    const capacity = (host: string) => run.host(host).spec.memoryBytes;
    const moved = new Set<string>();
    let count = 0;
    run.event('plan-started', plan.id, `balance ${plan.hosts.join(', ')}`);
    while (plan.maxMigrations === null || count < plan.maxMigrations) {
      const hosts = plan.hosts.filter((host) => run.host(host).up);
      if (hosts.length < 2) break;
      const util = (host: string) => used.get(host)! / capacity(host);
      const sorted = [...hosts].sort((a, b) => util(b) - util(a) || (a < b ? -1 : 1));
      const fullest = sorted[0]!;
      const emptiest = sorted[sorted.length - 1]!;
      const gap = util(fullest) - util(emptiest);
      if (gap <= plan.tolerance) break;
      const candidates = [...placement.entries()]
        .filter(([name, host]) => host === fullest && !moved.has(name) && run.vms.get(name)!.state === 'running')
        .map(([name]) => run.vms.get(name)!)
        .filter((vm) => used.get(emptiest)! + vm.spec.memoryBytes <= capacity(emptiest))
        .filter((vm) => Math.abs(util(fullest) - vm.spec.memoryBytes / capacity(fullest) - (util(emptiest) + vm.spec.memoryBytes / capacity(emptiest))) < gap)
        .sort((a, b) => a.spec.memoryBytes - b.spec.memoryBytes || (a.name < b.name ? -1 : 1));
      const vm = candidates[0];
      if (vm === undefined) break;
      moved.add(vm.name);
      used.set(fullest, used.get(fullest)! - vm.spec.memoryBytes);
      used.set(emptiest, used.get(emptiest)! + vm.spec.memoryBytes);
      placement.set(vm.name, emptiest);
      run.requestMigration({ id: `${plan.id}/${vm.name}`, vmName: vm.name, destinationHost: emptiest, params: plan.params, candidates: plan.hosts, priority: 0 });
      count += 1;
    }
  }

  // ---- probes -------------------------------------------------------------

  /** Measures `vm`'s dirty rate for `durationNs`; `onEnd` gets the rate in bytes/s. */
  startProbe(id: string, vm: VmRuntime, mode: ProbeMode, durationNs: number, onEnd?: (rateBytesPerSec: number) => void): void {
    const run = this.run;
    if (vm.state !== 'running' || vm.home === undefined || vm.activeAttempt !== undefined || vm.probing !== undefined) {
      run.event('probe-skipped', id, `VM ${vm.name} is busy or not running`);
      onEnd?.(vm.spec.workload.dirtyRateBytesPerSec);
      return;
    }
    const wasStepping = vm.recovery !== undefined;
    const built = vm.ensure(run.host(vm.home).spec, run.nowNs);
    if (wasStepping) vm.advanceGuest(run.nowNs);
    else vm.guestTimeNs = Math.max(vm.guestTimeNs, run.nowNs);
    let pagesWritten = 0;
    let unsubscribe: (() => void) | undefined;
    if (mode === 'dirty-bitmap') {
      vm.closeRecovery();
      const report = built.mmu.setDirtyLogging(GUEST_RAM_SLOT_ID, true);
      vm.pendingStallNs += vcpuStallNs(report);
      vm.loggingProbe = true;
      run.event('dirty-logging-enabled', vm.name, `probe ${id}`);
    } else {
      unsubscribe = built.guest.onWrite((_gfn, count) => {
        pagesWritten += count;
      });
      vm.loggingProbe = false;
    }
    vm.probing = id;
    run.touch(vm);
    run.event('probe-started', id, `VM ${vm.name}, ${mode}, ${durationNs / 1e9} s`);
    run.startStepping(vm);
    const startNs = run.nowNs;
    const finish = () => {
      if (vm.probing !== id) return;
      vm.advanceGuest(run.nowNs);
      const elapsedNs = Math.max(1, run.nowNs - startNs);
      if (mode === 'dirty-bitmap' && vm.isMaterialized) {
        const mmu = vm.built.mmu;
        const log = mmu.getDirtyLog(GUEST_RAM_SLOT_ID);
        pagesWritten = log.dirtyPageCount;
        const off = mmu.setDirtyLogging(GUEST_RAM_SLOT_ID, false);
        vm.pendingStallNs += vcpuStallNs(log.report) + vcpuStallNs(off);
        vm.probing = undefined;
        vm.loggingProbe = false;
        run.event('dirty-logging-disabled', vm.name, `probe ${id}`);
        run.endings.startRecovery(vm, 'probe-ended', id, [off]);
      } else {
        unsubscribe?.();
        vm.probing = undefined;
      }
      const rate = measuredDirtyRate(pagesWritten, elapsedNs);
      run.touch(vm);
      run.event('probe-ended', id, `VM ${vm.name}: ${Math.round(rate)} bytes/s`);
      onEnd?.(rate);
    };
    this.probeEnds.set(vm, finish);
    run.at(startNs + durationNs, () => {
      this.probeEnds.delete(vm);
      finish();
    });
  }

  private readonly probeEnds = new Map<VmRuntime, () => void>();

  /** A migration starts on a VM being probed: the probe ends now. */
  endProbeEarly(vm: VmRuntime): void {
    const finish = this.probeEnds.get(vm);
    this.probeEnds.delete(vm);
    finish?.();
  }
}

export function appliesTo(variants: readonly string[] | null, name: string): boolean {
  return variants === null || variants.includes(name);
}
