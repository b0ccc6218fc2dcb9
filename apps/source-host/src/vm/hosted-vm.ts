import { hugeFraction, type GuestSample } from '@migsim/guest';
import { createMigration, measuredDirtyRate, vcpuStallNs, type MigrationParametersInput, type SwitchoverVerification, type TerminalAction } from '@migsim/migration';
import type { RecoveryReport, TimelinePoint, VmReport } from '@migsim/report';
import type { HostSpec, ProbeMode, VmSpec } from '@migsim/scenario';
import { SourceMigration, type PhaseMark } from '../migration/source-migration';
import { GUEST_RAM_SLOT_ID, materializeVm, RecoveryRun, type MaterializedVm, type Rng } from '@migsim/sim';

/**
 * How often a running migration reports its progress (`query-migrate`) to the controller's watchdog and
 * live page: at the default 40x, every 125 ms of wall time, more often than the page redraws.
 */
const PROGRESS_EVERY_NS = 5_000_000_000;
/** Guest step while a migration runs (QEMU's 100 ms rate-limit window) and while a recovery is measured (the engine's 10 ms). */
const MIGRATION_STEP_NS = 100_000_000;
const RECOVERY_STEP_NS = 10_000_000;

export interface HostedVmOutput {
  stream(destination: string, migration: string, attempt: number, kind: 'prepare' | 'batch' | 'resume' | 'discard', seq: number, body: unknown): void;
  event(kind: 'migration.phase' | 'migration.progress' | 'migration.ended' | 'vm.event', body: unknown): void;
}

export interface StartMigrationCommand {
  migration: string;
  attempt: number;
  destination: HostSpec;
  params: MigrationParametersInput;
  linkBytesPerSec: number;
  atNs: number;
}

/** A dirty-rate measurement (QEMU `calc-dirty-rate`) of the VM, as the controller asks for it. */
export interface ProbeCommand {
  probe: string;
  mode: ProbeMode;
  atNs: number;
  durationNs: number;
}

/** A probe in progress: what it counted so far and when it ends. */
interface ActiveProbe {
  id: string;
  mode: ProbeMode;
  startNs: number;
  endNs: number;
  pagesWritten: number;
  /** page-sampling: the guest write listener, removed at the end. */
  unsubscribe: (() => void) | null;
}

export interface EndedMigration {
  migration: string;
  attempt: number;
  outcome: 'completed' | 'failed' | 'cancelled';
  atNs: number;
  info: unknown;
  phases: readonly PhaseMark[];
  reason: string | null;
  verification: SwitchoverVerification | null;
  vmOutcome: 'running-on-source' | 'lost' | 'moved';
  dirtyLoggingOff: boolean;
  recoveryStrategy: string | null;
}

/**
 * One VM of one run variant on a source host: its MMU and guest model, the
 * migration running from it (at most one), the recovery being measured after
 * a failed one, and what the report needs (timeline, recoveries). Pure logic
 * over simulated time: the host service calls `advanceTo(nowNs)` from its
 * loop and carries out the outputs.
 */
export class HostedVm {
  private vm: MaterializedVm;
  private hostName: string;
  private guestTimeNs = 0;
  private nextSampleNs: number;
  private sampleThroughputNs = 0;
  private sampledNs = 0;
  private migration: SourceMigration | null = null;
  private migrationDestination: HostSpec | null = null;
  private recovery: RecoveryRun | null = null;
  private probe: ActiveProbe | null = null;
  /** Probes the controller sent ahead of their time, soonest first; and every probe id seen (a redelivered command is a no-op). */
  private readonly scheduledProbes: ProbeCommand[] = [];
  private readonly probeIds = new Set<string>();
  private readonly recoveryMeasures: RecoveryRun[] = [];
  private readonly timeline: TimelinePoint[] = [];
  private placements = 1;
  private nextProgressNs = Infinity;
  /** mmu_lock stall still to charge to the guest once no migration holds it (the recovery's disable operation). */
  private pendingStallNs = 0;
  lost = false;

  constructor(
    readonly key: string,
    private readonly spec: VmSpec,
    host: HostSpec,
    private readonly rng: Rng,
    private readonly horizonNs: number,
    private readonly samplingNs: number,
    private readonly watchFractions: readonly number[],
    private readonly output: HostedVmOutput,
  ) {
    this.vm = materializeVm(spec, host, rng.fork('placement:1'));
    this.hostName = host.name;
    this.nextSampleNs = samplingNs;
  }

  get name(): string {
    return this.spec.name;
  }

  get host(): string {
    return this.hostName;
  }

  get simulatedUntilNs(): number {
    return this.guestTimeNs;
  }

  /** The timeline so far (one point per sampling interval; it only grows). */
  get timelinePoints(): readonly TimelinePoint[] {
    return this.timeline;
  }

  dirtyLoggingOn(): boolean {
    return this.vm.mmu.isDirtyLogging(GUEST_RAM_SLOT_ID);
  }

  hugeFraction(): number {
    return hugeFraction(this.vm.mmu.coverage());
  }

  activeMigration(): { id: string; attempt: number } | null {
    return this.migration === null ? null : { id: this.migration.id, attempt: this.migration.attempt };
  }

  startMigration(command: StartMigrationCommand): void {
    if (this.migration !== null || this.lost) return;
    // A migration starting on a VM being probed ends the probe now (as the engine does).
    if (this.probe !== null) {
      this.advanceTo(command.atNs);
      if (this.probe !== null) this.finishProbe(Math.max(this.guestTimeNs, command.atNs));
    }
    this.closeRecovery();
    const machine = createMigration({ id: `${command.migration}#${command.attempt}`, vm: this.vm.guest, params: command.params });
    const destination = command.destination.name;
    const migration: SourceMigration = new SourceMigration(command.migration, command.attempt, machine, command.linkBytesPerSec, Math.max(this.guestTimeNs, command.atNs), {
      stream: (kind, seq, body) => this.output.stream(destination, command.migration, command.attempt, kind, seq, body),
      phase: (action) => this.output.event('migration.phase', { migration: command.migration, attempt: command.attempt, phase: action.phase, round: action.round, atNs: action.atNs, info: machine.info() }),
      dirtyLogging: (enabled, atNs) => this.vmEvent(atNs, enabled ? 'dirty-logging-enabled' : 'dirty-logging-disabled', `${command.migration}#${command.attempt} on ${this.hostName}`),
      terminal: (action, phases) => this.onTerminal(migration, action, phases),
    });
    this.migration = migration;
    this.migrationDestination = command.destination;
    this.nextProgressNs = command.atNs + PROGRESS_EVERY_NS;
    this.advanceTo(command.atNs);
    migration.nowNs = Math.max(migration.nowNs, this.guestTimeNs);
    migration.start();
  }

  fault(kind: 'connection-lost' | 'destination-crash' | 'source-error', reason: string): void {
    this.migration?.fault(kind, reason);
  }

  cancel(): void {
    this.migration?.cancel();
  }

  relink(migration: string, attempt: number, bytesPerSec: number, latencyNs: number): void {
    const active = this.migration;
    if (active === null || active.id !== migration || active.attempt !== attempt) return;
    active.relink(bytesPerSec, latencyNs);
  }

  destinationAnswer(migration: string, attempt: number, verification: SwitchoverVerification): void {
    const active = this.migration;
    if (active === null || active.id !== migration || active.attempt !== attempt) return;
    active.destinationResumed(verification);
  }

  /**
   * Schedules a dirty-rate probe for `atNs` (QEMU's `calc-dirty-rate`, as the
   * engine's PlanRunner runs it); the controller sends it ahead of time, so it
   * starts when the guest reaches `atNs`, or at once if that has passed.
   * `dirty-bitmap` switches dirty logging on for the measurement, which splits
   * the huge SPTEs the guest writes, and off at the end, which runs the kernel
   * profile's recovery strategy and measures the recovery like one after a
   * failed migration (trigger `probe-ended`). `page-sampling` counts the
   * guest's writes and leaves the MMU alone. A VM that is migrating, lost or
   * already probed when the probe is due skips it.
   */
  scheduleProbe(command: ProbeCommand): void {
    if (this.probeIds.has(command.probe)) return;
    this.probeIds.add(command.probe);
    if (command.atNs <= this.guestTimeNs) {
      this.beginProbe(command, this.guestTimeNs);
      return;
    }
    this.scheduledProbes.push(command);
    this.scheduledProbes.sort((a, b) => a.atNs - b.atNs);
  }

  private beginProbe(command: ProbeCommand, startNs: number): void {
    if (this.migration !== null || this.lost || this.probe !== null) {
      this.vmEvent(startNs, 'probe-skipped', `VM ${this.spec.name} is busy or not running`, command.probe);
      return;
    }
    const probe: ActiveProbe = { id: command.probe, mode: command.mode, startNs, endNs: startNs + command.durationNs, pagesWritten: 0, unsubscribe: null };
    if (command.mode === 'dirty-bitmap') {
      this.closeRecovery();
      this.pendingStallNs += vcpuStallNs(this.vm.mmu.setDirtyLogging(GUEST_RAM_SLOT_ID, true));
      this.vmEvent(startNs, 'dirty-logging-enabled', `probe ${command.probe}`);
    } else {
      probe.unsubscribe = this.vm.guest.onWrite((_gfn, count) => {
        probe.pagesWritten += count;
      });
    }
    this.probe = probe;
    this.vmEvent(startNs, 'probe-started', `VM ${this.spec.name}, ${command.mode}, ${command.durationNs / 1e9} s`, command.probe);
  }

  /** Runs the guest (and the migration) up to `targetNs` of simulated time, never past the horizon. */
  advanceTo(targetNs: number): void {
    const endNs = Math.min(targetNs, this.horizonNs);
    while (this.guestTimeNs < endNs) {
      const stepNs = this.migration !== null ? MIGRATION_STEP_NS : this.recovery !== null || this.probe !== null ? RECOVERY_STEP_NS : Infinity;
      const stepEnd = Math.min(endNs, this.nextSampleNs, this.guestTimeNs + stepNs, this.probe?.endNs ?? Infinity, this.scheduledProbes[0]?.atNs ?? Infinity);
      if (stepNs === Infinity || this.lost) this.guestTimeNs = stepEnd;
      else this.stepGuest(stepEnd);
      if (this.probe !== null && this.guestTimeNs >= this.probe.endNs) this.finishProbe(this.probe.endNs);
      while (this.scheduledProbes.length > 0 && this.scheduledProbes[0]!.atNs <= this.guestTimeNs) {
        const due = this.scheduledProbes.shift()!;
        this.beginProbe(due, due.atNs);
      }
      if (this.guestTimeNs >= this.nextSampleNs) {
        this.sample(this.nextSampleNs);
        this.nextSampleNs += this.samplingNs;
      }
    }
  }

  /** The VM's part of the report at the end of the run. */
  report(): VmReport {
    this.closeRecovery();
    return {
      name: this.spec.name,
      host: this.hostName,
      memoryBytes: this.spec.memoryBytes,
      vcpus: this.spec.vcpus,
      timeline: this.timeline,
      recoveries: this.recoveryMeasures.map((measure) => measure.report()),
    };
  }

  /** Times to each watched level of every recovery (null = not reached), for the controller's `recovers` checks. */
  recoveryLevels(): { strategy: string; cause: string; measuredNs: number; timeToNs: Record<string, number | null> }[] {
    return this.recoveryMeasures.map((measure) => ({
      strategy: measure.strategy,
      cause: measure.cause,
      measuredNs: measure.measuredNs,
      timeToNs: Object.fromEntries(this.watchFractions.map((fraction) => [String(fraction), measure.timeToNs(fraction)])),
    }));
  }

  private stepGuest(toNs: number): void {
    const dtNs = toNs - this.guestTimeNs;
    if (dtNs <= 0) return;
    const migration = this.migration;
    let stall: number;
    if (migration !== null) {
      stall = Math.min(migration.pendingStallNs, dtNs);
      migration.pendingStallNs -= stall;
    } else {
      stall = Math.min(this.pendingStallNs, dtNs);
      this.pendingStallNs -= stall;
    }
    const throttle = migration === null ? 0 : 1 - (1 - migration.autoConvergePercent / 100) * (1 - migration.overheadPercent / 100);
    const startNs = this.guestTimeNs;
    const sample: GuestSample = this.vm.guest.step(dtNs, { paused: migration?.paused ?? false, throttle, lockStallNs: stall });
    this.guestTimeNs = toNs;
    this.sampleThroughputNs += sample.relativeThroughput * dtNs;
    this.sampledNs += dtNs;
    this.recovery?.add(startNs, dtNs, sample, hugeFraction(sample.coverage));
    migration?.advanceTo(toNs);
    if (migration !== null && this.migration === migration && toNs >= this.nextProgressNs) {
      this.nextProgressNs = toNs + PROGRESS_EVERY_NS;
      const info = migration.info();
      this.output.event('migration.progress', { migration: migration.id, attempt: migration.attempt, atNs: toNs, remainingBytes: info.ram.remaining, info });
    }
  }

  private readonly announcedLevels = new Set<string>();

  private reportRecoveryLevels(measure: RecoveryRun): void {
    for (const [level, label] of [[0.9, 'recovery-reached-90'], [0.95, 'recovery-reached-95'], [0.99, 'recovery-reached-99']] as const) {
      const key = `${measure.startNs}:${label}`;
      if (this.announcedLevels.has(key)) continue;
      const report = measure.report();
      const timeMs = level === 0.9 ? report.timeTo90PctMs : level === 0.95 ? report.timeTo95PctMs : report.timeTo99PctMs;
      if (timeMs === null) continue;
      this.announcedLevels.add(key);
      this.vmEvent(measure.startNs + timeMs * 1e6, label, `${measure.strategy} after ${measure.cause}: ${timeMs} ms`);
    }
  }

  private sample(atNs: number): void {
    if (this.recovery !== null) this.reportRecoveryLevels(this.recovery);
    const idleNs = Math.max(0, this.samplingNs - this.sampledNs);
    const idleValue = this.lost ? 0 : 1;
    const throughput = (this.sampleThroughputNs + idleNs * idleValue) / Math.max(this.samplingNs, this.sampledNs);
    this.sampleThroughputNs = 0;
    this.sampledNs = 0;
    const coverage = this.vm.mmu.coverage();
    const mapped = coverage.bytes4k + coverage.bytes2m + coverage.bytes1g;
    this.timeline.push({
      tMs: atNs / 1e6,
      relativeThroughput: Math.min(1, Math.max(0, throughput)),
      hugeFraction: hugeFraction(coverage),
      fraction4k: mapped > 0 ? coverage.bytes4k / mapped : 0,
      dirtyLogging: this.dirtyLoggingOn(),
    });
  }

  private onTerminal(migration: SourceMigration, action: TerminalAction, phases: readonly PhaseMark[]): void {
    this.migration = null;
    // The disable-logging walk (write-locked rmap walks in full, TDP holds at most one) stalls the vCPUs after the end.
    this.pendingStallNs = action.type === 'completed' ? 0 : migration.pendingStallNs;
    const destination = this.migrationDestination;
    this.migrationDestination = null;
    let vmOutcome: EndedMigration['vmOutcome'] = 'running-on-source';
    let recoveryStrategy: string | null = null;
    if (action.type === 'completed') {
      vmOutcome = 'moved';
      if (destination !== null) {
        // The VM now runs on the destination, mapped anew at its max mapping level.
        this.placements += 1;
        this.vm = materializeVm(this.spec, destination, this.rng.fork(`placement:${this.placements}`));
        this.hostName = destination.name;
      }
    } else if (action.recovery.vmOutcome === 'lost') {
      vmOutcome = 'lost';
      this.lost = true;
    } else {
      recoveryStrategy = action.recovery.strategy;
      const trigger: RecoveryReport['trigger'] = action.type === 'failed' ? 'migration-failed' : 'migration-cancelled';
      this.recovery = new RecoveryRun(action.recovery.strategy, trigger, migration.id, action.atNs, this.spec.vcpus, action.recovery.disableLogging, this.watchFractions);
      this.vmEvent(action.atNs, 'recovery-started', `${action.recovery.strategy} after ${migration.id}`);
    }
    const ended: EndedMigration = {
      migration: migration.id,
      attempt: migration.attempt,
      outcome: action.type,
      atNs: action.atNs,
      info: action.info,
      phases,
      reason: action.type === 'failed' ? action.reason : null,
      verification: action.type === 'completed' ? action.verification : null,
      vmOutcome,
      dirtyLoggingOff: !this.dirtyLoggingOn(),
      recoveryStrategy,
    };
    this.output.event('migration.ended', ended);
  }

  /** Ends the probe at `atNs`: reads and clears the log, switches logging off and measures the recovery (dirty-bitmap), and reports the rate. */
  private finishProbe(atNs: number): void {
    const probe = this.probe!;
    this.probe = null;
    if (probe.mode === 'dirty-bitmap') {
      const mmu = this.vm.mmu;
      const log = mmu.getDirtyLog(GUEST_RAM_SLOT_ID);
      probe.pagesWritten = log.dirtyPageCount;
      const off = mmu.setDirtyLogging(GUEST_RAM_SLOT_ID, false);
      this.pendingStallNs += vcpuStallNs(log.report) + vcpuStallNs(off);
      this.vmEvent(atNs, 'dirty-logging-disabled', `probe ${probe.id}`);
      this.recovery = new RecoveryRun(mmu.profile.recovery, 'probe-ended', probe.id, atNs, this.spec.vcpus, [off], this.watchFractions);
      this.vmEvent(atNs, 'recovery-started', `${mmu.profile.recovery} after ${probe.id}`);
    } else {
      probe.unsubscribe?.();
    }
    const rate = measuredDirtyRate(probe.pagesWritten, atNs - probe.startNs);
    this.vmEvent(atNs, 'probe-ended', `VM ${this.spec.name}: ${Math.round(rate)} bytes/s`, probe.id, { rateBytesPerSec: rate });
  }

  private closeRecovery(): void {
    if (this.recovery === null) return;
    this.recoveryMeasures.push(this.recovery);
    this.recovery = null;
  }

  private vmEvent(atNs: number, kind: string, detail: string, subject = this.spec.name, extra: Record<string, number> = {}): void {
    this.output.event('vm.event', { tMs: atNs / 1e6, kind, subject, detail, ...extra });
  }
}
