import { RecoveryTracker, type GuestEnvironment, type GuestSample, type GuestVm } from '@migsim/guest';
import type { MigrationAction, MigrationPhaseName, TerminalAction } from '../actions';
import { MigrationDestination, type DestinationOutput } from '../destination';
import { MigrationError } from '../errors';
import type { MigrationEvent } from '../events';
import type { MigrationMachine } from '../machine';
import type { PageBatch } from '../page-batch';
import { NORMAL_PAGE_WIRE_BYTES } from '../qemu-constants';
import type { MigrationStatus, QueryMigrateInfo } from '../query-migrate';
import type { SourceRecoveryReport } from '../recovery-report';
import type { SwitchoverVerification } from '../switchover-check';
import { vcpuStallOfNs } from '../mmu-lock-stall';
import { FifoLink } from './fifo-link';
import type { DriverCommand, ScheduledCommand } from './schedule';

export interface RunMigrationOptions {
  /** A machine from `createMigration`, whose `vm` is `guest`. */
  machine: MigrationMachine;
  guest: GuestVm;
  link: { bytesPerSec: number; latencyNs?: number };
  /** Guest step (simulated), default 100 ms. */
  stepNs?: number;
  startNs?: number;
  /** Stop driving after this much simulated time even if the migration goes on (default 1 h). */
  maxDurationNs?: number;
  schedule?: readonly ScheduledCommand[];
  /** After a failure or cancel, run the guest this long and attach its `RecoveryMetrics` (default 0). */
  observeRecoveryNs?: number;
  onAction?: (action: MigrationAction) => void;
  onGuestStep?: (startNs: number, dtNs: number, sample: GuestSample) => void;
}

export interface PhaseRecord {
  phase: MigrationPhaseName;
  round: number | null;
  atNs: number;
  /** `ram.transferred` when the phase began. */
  transferredBytes: number;
}

export interface RunMigrationResult {
  /** Final status (still running when the driver gave up at `maxDurationNs`). */
  status: MigrationStatus;
  info: QueryMigrateInfo;
  endNs: number;
  terminal: TerminalAction | null;
  phases: PhaseRecord[];
  throttleHistory: { atNs: number; percent: number }[];
  batchesSent: number;
  verification: SwitchoverVerification | null;
  recovery: SourceRecoveryReport | null;
  destination: MigrationDestination | null;
  rejected: { atNs: number; event: string; reason: string }[];
  /** Post-copy: guest writes that hit a page not yet on the destination. */
  remoteFaultPages: number;
  /** Mean relative throughput of the guest over the migration's steps. */
  meanRelativeThroughput: number;
}

interface TimedItem {
  atNs: number;
  seq: number;
  run: () => void;
  /** Scheduled commands (faults, cancel...) are dropped once the migration ended; messages still arrive. */
  command: boolean;
}

const DEFAULT_STEP_NS = 100_000_000;

const MAX_IDLE_SPINS = 10_000;

/**
 * The synchronous reference driver: virtual time in guest steps; in each
 * step the guest runs (`GuestVm.step`, dirtying memory through the MMU)
 * with the environment the machine asked for (paused, throttled, mmu_lock
 * stalls of dirty-log syncs and of the recovery, see `vcpuStallNs`), then the machine and a
 * FIFO link advance through the step, event by event: batches leave at
 * the link rate and reach the destination `latencyNs` later, control
 * messages and the destination's answers take `latencyNs` each way.
 *
 * Post-copy: once the destination runs the VM, the guest's writes are
 * routed to it; a write to a page it lacks is a remote fault: a page
 * request to the source, and a stall of (round trip + one page's transfer)
 * per faulting page, spread over the vCPUs, charged to the next step.
 * (Reads are not seen, so remote faults are under-counted.)
 */
export function runMigration(options: RunMigrationOptions): RunMigrationResult {
  return new ReferenceDriver(options).run();
}

class ReferenceDriver {
  private readonly machine: MigrationMachine;
  private readonly guest: GuestVm;
  private readonly link: FifoLink;
  private readonly stepNs: number;
  private nowNs: number;
  private readonly queue: TimedItem[] = [];
  private queueSeq = 0;
  private destination: MigrationDestination | null = null;
  private paused = false;
  private autoConvergePercent = 0;
  private overheadPercent = 0;
  private pendingStallNs = 0;
  private terminal: TerminalAction | null = null;
  private readonly phases: PhaseRecord[] = [];
  private readonly throttleHistory: { atNs: number; percent: number }[] = [];
  private readonly rejected: { atNs: number; event: string; reason: string }[] = [];
  private batchesSent = 0;
  private verification: SwitchoverVerification | null = null;
  private remoteFaultPages = 0;
  private throughputTimesNs = 0;
  private steppedNs = 0;
  private readonly phaseTriggers: ScheduledCommand[] = [];

  constructor(private readonly options: RunMigrationOptions) {
    this.machine = options.machine;
    this.guest = options.guest;
    this.link = new FifoLink(options.link.bytesPerSec, options.link.latencyNs ?? 0);
    this.stepNs = options.stepNs ?? DEFAULT_STEP_NS;
    this.nowNs = options.startNs ?? 0;
    for (const scheduled of options.schedule ?? []) {
      if ('atNs' in scheduled.when) this.at(scheduled.when.atNs, () => this.command(scheduled.command), true);
      else this.phaseTriggers.push(scheduled);
    }
  }

  run(): RunMigrationResult {
    const startNs = this.nowNs;
    const limitNs = startNs + (this.options.maxDurationNs ?? 3_600_000_000_000);
    const unsubscribe = this.guest.onWrite((gfn, count) => this.routePostcopyWrite(gfn, count));
    this.feed({ type: 'start', atNs: this.nowNs, linkBytesPerSec: this.link.bytesPerSec });
    while (this.terminal === null && this.nowNs < limitNs) {
      const stepStart = this.nowNs;
      const sample = this.guest.step(this.stepNs, this.takeEnvironment());
      this.options.onGuestStep?.(stepStart, this.stepNs, sample);
      this.throughputTimesNs += sample.relativeThroughput * this.stepNs;
      this.steppedNs += this.stepNs;
      this.advanceTo(stepStart + this.stepNs);
    }
    // Deliver what is still on its way (e.g. the order to drop the destination's half).
    while (this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (item.command) continue;
      this.nowNs = Math.max(this.nowNs, item.atNs);
      item.run();
    }
    const recovery = this.terminal !== null && this.terminal.type !== 'completed' ? this.terminal.recovery : null;
    if (recovery !== null && recovery.vmOutcome === 'running-on-source' && (this.options.observeRecoveryNs ?? 0) > 0) {
      recovery.guest = this.observeRecovery(this.options.observeRecoveryNs!);
    }
    unsubscribe();
    return {
      status: this.machine.status(),
      info: this.terminal?.info ?? this.machine.info(),
      endNs: this.terminal?.atNs ?? this.nowNs,
      terminal: this.terminal,
      phases: this.phases,
      throttleHistory: this.throttleHistory,
      batchesSent: this.batchesSent,
      verification: this.verification,
      recovery,
      destination: this.destination,
      rejected: this.rejected,
      remoteFaultPages: this.remoteFaultPages,
      meanRelativeThroughput: this.steppedNs > 0 ? this.throughputTimesNs / this.steppedNs : 1,
    };
  }

  private takeEnvironment(): GuestEnvironment {
    const stall = Math.min(this.pendingStallNs, this.stepNs);
    this.pendingStallNs -= stall;
    const throttle = 1 - (1 - this.autoConvergePercent / 100) * (1 - this.overheadPercent / 100);
    return { paused: this.paused, throttle, lockStallNs: stall };
  }

  /** Advances machine, link and messages to `endNs`, event by event. */
  private advanceTo(endNs: number): void {
    let idleSpins = 0;
    while (this.terminal === null) {
      let nextNs = endNs;
      const departure = this.link.nextDepartureNs(this.nowNs);
      if (departure !== null && departure < nextNs) nextNs = departure;
      const wakeAt = this.machine.nextWakeNs();
      if (wakeAt !== null && wakeAt < nextNs) nextNs = wakeAt;
      const queued = this.queue[0];
      if (queued !== undefined && queued.atNs < nextNs) nextNs = queued.atNs;
      nextNs = Math.max(nextNs, this.nowNs);
      const departed = this.link.advance(this.nowNs, nextNs);
      const moved = nextNs > this.nowNs;
      this.nowNs = nextNs;
      let progressed = moved || departed.length > 0;
      for (const batch of departed) this.depart(batch);
      while (this.terminal === null && this.queue.length > 0 && this.queue[0]!.atNs <= this.nowNs) {
        this.queue.shift()!.run();
        progressed = true;
      }
      const wake = this.machine.nextWakeNs();
      if (this.terminal === null && wake !== null && wake <= this.nowNs) {
        if (this.feed({ type: 'tick', atNs: this.nowNs }) > 0) progressed = true;
      }
      const nothingDue = this.queue.length === 0 || this.queue[0]!.atNs > this.nowNs;
      if (this.nowNs >= endNs && nothingDue && this.link.nextDepartureNs(this.nowNs) !== this.nowNs) {
        const again = this.machine.nextWakeNs();
        if (again === null || again > this.nowNs) return;
      }
      idleSpins = progressed ? 0 : idleSpins + 1;
      if (idleSpins > MAX_IDLE_SPINS) {
        throw new MigrationError('MIGRATION_DRIVER_STALLED', `migration ${this.machine.id}: no progress at ${this.nowNs} ns (status ${this.machine.status()})`);
      }
    }
  }

  private depart(batch: PageBatch): void {
    this.feed({ type: 'bytes-delivered', atNs: this.nowNs, bytes: batch.wireBytes });
    this.at(this.nowNs + this.link.latencyNs, () => this.routeDestinationOutputs(this.destination?.receive(batch) ?? []));
  }

  /** Feeds one event; returns how many actions it produced. */
  private feed(event: MigrationEvent): number {
    const actions = this.machine.handle(event);
    for (const action of actions) this.apply(action);
    return actions.length;
  }

  private apply(action: MigrationAction): void {
    this.options.onAction?.(action);
    const latency = this.link.latencyNs;
    switch (action.type) {
      case 'prepare-destination':
        this.destination = new MigrationDestination(action);
        return;
      case 'phase-changed':
        this.phases.push({ phase: action.phase, round: action.round, atNs: action.atNs, transferredBytes: action.transferredBytes });
        this.firePhaseTriggers(action.phase, action.round);
        return;
      case 'send-pages':
        this.batchesSent++;
        this.link.enqueue(action.batch);
        return;
      case 'pause-vm':
        this.paused = true;
        return;
      case 'resume-source':
        this.paused = false;
        return;
      case 'set-throttle':
        if (action.reason === 'auto-converge') {
          this.autoConvergePercent = action.percent;
          this.throttleHistory.push({ atNs: action.atNs, percent: action.percent });
        } else {
          this.overheadPercent = action.percent;
        }
        return;
      case 'dirty-bitmap-synced':
        this.pendingStallNs += vcpuStallOfNs(action.reports);
        return;
      case 'dirty-logging':
        this.pendingStallNs += vcpuStallOfNs(action.reports);
        return;
      case 'resume-destination':
        this.at(this.nowNs + latency, () => this.routeDestinationOutputs(this.destination?.resume(action.check) ?? []));
        return;
      case 'complete-destination':
        this.at(this.nowNs + latency, () => this.routeDestinationOutputs(this.destination?.complete(action.check) ?? []));
        return;
      case 'discard-destination':
        this.at(this.nowNs + latency, () => this.destination?.drop());
        return;
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.terminal = action;
        this.link.clear();
        return;
      case 'event-rejected':
        this.rejected.push({ atNs: action.atNs, event: action.event, reason: action.reason });
        return;
    }
  }

  private routeDestinationOutputs(outputs: readonly DestinationOutput[]): void {
    const latency = this.link.latencyNs;
    for (const output of outputs) {
      switch (output.type) {
        case 'resumed':
          this.verification = output.verification;
          // Post-copy: the guest now runs on the destination.
          if (output.verification.mode === 'postcopy-start') this.paused = false;
          this.at(this.nowNs + latency, () => this.feed({ type: 'destination-resumed', atNs: this.nowNs, verification: output.verification }));
          break;
        case 'completed':
          this.verification = output.verification;
          this.at(this.nowNs + latency, () => this.feed({ type: 'destination-complete', atNs: this.nowNs, verification: output.verification }));
          break;
        case 'page-request':
          // While the post-copy channel is down a request cannot reach the source; the destination asks again after recovery.
          if (this.machine.status() === 'postcopy-paused') break;
          this.at(this.nowNs + latency, () => this.feed({ type: 'page-request', atNs: this.nowNs, gfns: output.gfns }));
          break;
      }
    }
  }

  private routePostcopyWrite(gfnStart: number, count: number): void {
    const destination = this.destination;
    if (destination === null || destination.state() !== 'running-postcopy') return;
    const { faultPages, requests } = destination.guestWrite(gfnStart, count);
    if (faultPages === 0) return;
    this.remoteFaultPages += faultPages;
    const pageNs = this.link.bytesPerSec > 0 ? (NORMAL_PAGE_WIRE_BYTES / this.link.bytesPerSec) * 1e9 : 0;
    this.pendingStallNs += (faultPages * (2 * this.link.latencyNs + pageNs)) / this.guest.workload.vcpus;
    this.routeDestinationOutputs(requests);
  }

  private command(command: DriverCommand): void {
    switch (command.type) {
      case 'fault':
        // The channel (and what it carried) is gone; a crashed destination loses its memory.
        if (command.fault.kind !== 'source-error') this.link.clear();
        if (command.fault.kind === 'destination-crash') this.destination?.drop();
        this.feed({ type: 'fault', atNs: this.nowNs, fault: command.fault });
        return;
      case 'link-changed':
        this.link.bytesPerSec = command.bytesPerSec;
        if (command.latencyNs !== undefined) this.link.latencyNs = command.latencyNs;
        this.feed({ type: 'link-changed', atNs: this.nowNs, bytesPerSec: command.bytesPerSec, rttNs: 2 * this.link.latencyNs });
        return;
      case 'set-parameters':
        this.feed({ type: 'set-parameters', atNs: this.nowNs, params: command.params });
        return;
      case 'postcopy-recover':
        this.destination?.channelReset();
        this.feed({ type: 'postcopy-recover', atNs: this.nowNs });
        return;
      default:
        this.feed({ type: command.type, atNs: this.nowNs });
    }
  }

  private firePhaseTriggers(phase: MigrationPhaseName, round: number | null): void {
    for (let i = 0; i < this.phaseTriggers.length; ) {
      const trigger = this.phaseTriggers[i]!;
      const when = trigger.when as { phase: MigrationPhaseName; round?: number; delayNs?: number };
      if (when.phase === phase && (when.round === undefined || when.round === round)) {
        this.phaseTriggers.splice(i, 1);
        this.at(this.nowNs + (when.delayNs ?? 0), () => this.command(trigger.command), true);
      } else {
        i++;
      }
    }
  }

  private at(atNs: number, run: () => void, command = false): void {
    const item = { atNs, seq: this.queueSeq++, run, command };
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.atNs > atNs) i--;
    this.queue.splice(i, 0, item);
  }

  /** Runs the guest on the source after a failure and measures how it recovers. */
  private observeRecovery(durationNs: number): ReturnType<RecoveryTracker['metrics']> {
    const startNs = this.nowNs;
    const tracker = new RecoveryTracker({ vcpus: this.guest.workload.vcpus, startNs });
    this.paused = false;
    this.autoConvergePercent = 0;
    this.overheadPercent = 0;
    for (let t = startNs; t < startNs + durationNs; t += this.stepNs) {
      const sample = this.guest.step(this.stepNs, this.takeEnvironment());
      this.options.onGuestStep?.(t, this.stepNs, sample);
      tracker.add(t, this.stepNs, sample);
    }
    this.nowNs = startNs + durationNs;
    return tracker.metrics();
  }
}
