import { createMigration, vcpuStallOfNs, type MigrationAction, type MigrationEvent, type MigrationMachine, type PageBatch, type TerminalAction } from '@migsim/migration';
import type { MigrationAttempt as AttemptReport } from '@migsim/report';
import { toMigrationParameters } from '@migsim/scenario';
import type { MigrationStart, StreamAnswer } from '../messages/messages';
import { WorldError } from '../world/world-error';
import { AttemptLink } from './attempt-link';
import { attemptOutcome, settleVmOnSource } from './attempt-outcome';
import { AttemptRecord } from './attempt-record';
import type { HostPort } from './host-port';
import type { HostedVm } from './hosted-vm';
import { ParameterSchedule } from './parameter-schedule';
import { SourceWatchdog } from './source-watchdog';
import { lazySourceVm } from './vm-model';

const UNCAPPED_PHASES = new Set<string>(['stop-and-copy', 'postcopy']);
const MAX_SPINS_AT_ONE_INSTANT = 10_000;

/** How the host schedules an outgoing migration's single pending wake. */
export type WakeScheduler = (migration: OutgoingMigration, atNs: number) => void;

/**
 * The source side of one migration attempt on its host: the libs/migration
 * machine, its stream on the network, and KubeVirt's watchdog (virt-launcher
 * watches the migration on the source: `liveMigrationMonitor`). It feeds the
 * machine events (start, ticks at `nextWakeNs`, bytes that left on the link,
 * the destination's answers, cancels and faults) and carries out the actions
 * it returns (batches onto the link and to the destination, pause / resume,
 * throttle, mmu_lock stalls, commands to the destination, the end report to
 * the controller).
 *
 * Bytes leave at the flow's share of the path, as the controller's network
 * model last rated it; the final stop-and-copy and post-copy (QEMU lifts its
 * rate limit there: `migration_completion`, `max-postcopy-bandwidth` 0) go at
 * what the path has beside the other flows (`burstRateBytesPerSec`).
 */
export class OutgoingMigration {
  readonly attemptId: string;
  readonly migration: string;
  readonly attempt: number;
  readonly destination: string;
  readonly startNs: number;
  readonly machine: MigrationMachine;
  readonly link: AttemptLink;
  readonly watchdog: SourceWatchdog;
  /** Its phases, lost work and end record, for the report. */
  private readonly record: AttemptRecord;
  private readonly schedule: ParameterSchedule;
  /** Whether a bitmap sync is seen outside the source (see `nextOutputNs`). */
  private readonly syncsSeen: boolean;
  ended = false;
  /** When the host must next run `process()` (Infinity: only an input moves it on; never undefined, so the field stays a double). */
  pendingWakeNs = Infinity;
  private rateBytesPerSec: number;
  private burstRateBytesPerSec: number;
  private latencyNs: number;
  /** The destination runs the VM (post-copy switch): stream messages count and the guest is not ours. */
  private switched = false;
  private uncapped = false;
  private spins = 0;
  private lastWakeNs = -1;

  constructor(
    private readonly host: HostPort,
    private readonly start: MigrationStart,
    readonly vm: HostedVm,
    private readonly wake: WakeScheduler,
  ) {
    const now = host.nowNs();
    this.attemptId = start.attemptId;
    this.migration = start.migration;
    this.attempt = start.attempt;
    this.destination = start.destination;
    this.startNs = now;
    this.rateBytesPerSec = start.rateBytesPerSec;
    this.burstRateBytesPerSec = start.burstRateBytesPerSec;
    this.latencyNs = start.latencyNs;
    // A sync reaches the controller only as a reported phase, and the schedule only as a post-copy after a round.
    this.syncsSeen = start.reportPhases || start.params.postcopyAfter?.type === 'round';
    const wasStepping = vm.recovery !== undefined;
    const model = vm.ensure(now);
    if (wasStepping) vm.advanceGuest(now);
    else vm.guestTimeNs = Math.max(vm.guestTimeNs, now);
    vm.closeRecovery();
    this.record = new AttemptRecord(host, start, vm, now);
    this.schedule = new ParameterSchedule(host, start, now, vm.spec.memoryBytes, (event) => this.command(event));
    this.machine = createMigration({
      id: start.attemptId,
      vm: lazySourceVm(model.guest, () => vm.advanceGuest(host.nowNs())),
      params: toMigrationParameters(start.params),
    });
    this.link = new AttemptLink(start.rateBytesPerSec, start.latencyNs, now);
    this.watchdog = new SourceWatchdog(host, start, vm, now);
    vm.outgoing = start.attemptId;
    host.highlight(vm);
  }

  /** QMP `migrate`: starts the machine and the parameter schedule. */
  begin(): void {
    const host = this.host;
    host.event('migration-started', this.migration, `attempt ${this.attempt}: VM ${this.vm.name} ${host.name} -> ${this.destination}`);
    this.feed({ type: 'start', atNs: host.nowNs(), linkBytesPerSec: this.link.bytesPerSec });
    this.schedule.begin();
    if (!this.ended) this.reschedule();
  }

  // ---- inputs -------------------------------------------------------------

  /** Feeds a command to the machine now (`atNs` is replaced by the current time). */
  command(event: MigrationEvent): void {
    if (this.ended) return;
    // A paused post-copy serves no page request: its channel is gone, and once recovered the background
    // stream sends every page the destination still lacks (QEMU re-requests them after postcopy_pause_incoming).
    if (event.type === 'page-request' && this.machine.phase().name === 'postcopy-paused') return;
    this.sync();
    if (this.ended) return;
    this.feed({ ...event, atNs: this.host.nowNs() } as MigrationEvent);
    if (!this.ended) this.reschedule();
  }

  /** The destination's answer to a resume or complete command, or its post-copy page requests. */
  answer(message: StreamAnswer): void {
    this.command(
      message.kind === 'stream.resumed'
        ? { type: 'destination-resumed', atNs: 0, verification: message.verification }
        : { type: 'destination-complete', atNs: 0, verification: message.verification },
    );
  }

  /** The controller re-rated the flow; a post-copy channel does not survive its path going down. */
  setRate(rateBytesPerSec: number, burstRateBytesPerSec: number, latencyNs: number, pathUp: boolean): void {
    if (this.ended) return;
    this.sync();
    if (this.ended) return;
    this.rateBytesPerSec = rateBytesPerSec;
    this.burstRateBytesPerSec = burstRateBytesPerSec;
    this.latencyNs = latencyNs;
    this.applyLinkRate();
    const phase = this.machine.phase().name;
    if (phase === 'postcopy' && !pathUp) {
      this.link.clear();
      this.command({ type: 'fault', atNs: 0, fault: { kind: 'connection-lost', reason: 'post-copy channel lost with the link' } });
    } else if (phase === 'postcopy-paused' && pathUp && this.start.params.postcopyRecovery) {
      this.command({ type: 'postcopy-recover', atNs: 0 });
    }
    if (this.switched && !this.ended) {
      this.host.toHost(this.destination, { kind: 'stream.rate', attemptId: this.attemptId, rateBytesPerSec: this.link.bytesPerSec, latencyNs }, this.latencyNs);
    }
    if (!this.ended) this.reschedule();
  }

  /** The destination host died under the stream (its connection reset). */
  peerLost(reason: string): void {
    if (this.ended) return;
    this.sync();
    if (this.ended) return;
    this.link.clear();
    this.command({ type: 'fault', atNs: 0, fault: { kind: 'destination-crash', reason } });
  }

  cancel(reason: string): void {
    if (this.ended) return;
    this.cancelReason = reason;
    this.command({ type: 'cancel', atNs: 0 });
  }

  private cancelReason: string | undefined;

  // ---- progress -------------------------------------------------------------

  /** A wake: run the link up to now, tick the machine if due, watch the timeouts. */
  process(): void {
    const now = this.host.nowNs();
    if (this.lastWakeNs === now) this.spins += 1;
    else {
      this.lastWakeNs = now;
      this.spins = 0;
    }
    if (this.spins > MAX_SPINS_AT_ONE_INSTANT) {
      throw new WorldError('WORLD_STALLED', `migration ${this.attemptId} made no progress at ${now} ns (status ${this.machine.status()})`);
    }
    this.sync();
    if (this.ended) return;
    const wake = this.machine.nextWakeNs();
    const ticked = wake !== null && wake <= now;
    if (ticked) this.feed({ type: 'tick', atNs: now });
    if (this.ended) return;
    if (ticked || now >= this.watchdog.nextDeadlineNs()) this.observeWatchdog();
    if (!this.ended) this.reschedule();
  }

  /** Moves the stream up to now: every batch that fully left goes to the destination. */
  private sync(): void {
    const now = this.host.nowNs();
    if (this.link.timeNs >= now && this.link.nextDepartureNs() !== now) return;
    const departed = this.link.advance(now);
    for (let i = 0; i < departed.length; i++) {
      this.depart(departed[i]!);
      if (this.ended) return;
    }
  }

  private depart(batch: PageBatch): void {
    const host = this.host;
    this.feed({ type: 'bytes-delivered', atNs: host.nowNs(), bytes: batch.wireBytes });
    const lose = host.hooks.losePagesOfBatch?.(this.attemptId, batch.seq) === true;
    const carried = lose ? { ...batch, ranges: [], versionRuns: [], zeroPageCount: 0, normalPageCount: 0 } : batch;
    // Pre-copy pages are lazy: nothing on the destination reads them before the switchover check.
    host.toHost(this.destination, { kind: 'stream.batch', attemptId: this.attemptId, batch: carried }, this.latencyNs, !this.switched && batch.kind !== 'postcopy-package');
  }

  private reschedule(): void {
    let next = this.watchdog.nextDeadlineNs();
    const departure = this.link.nextDepartureNs();
    if (departure !== null && departure < next) next = departure;
    const wake = this.machine.nextWakeNs();
    if (wake !== null && wake < next) next = wake;
    if (Number.isFinite(next)) this.wake(this, Math.max(next, this.host.nowNs()));
  }

  private feed(event: MigrationEvent): void {
    const actions = this.machine.handle(event);
    for (const action of actions) this.apply(action);
  }

  private observeWatchdog(): void {
    const event = this.watchdog.observe(this.machine);
    if (event !== undefined) this.feed(event);
  }

  // ---- the machine's actions --------------------------------------------------

  private apply(action: MigrationAction): void {
    const host = this.host;
    const vm = this.vm;
    switch (action.type) {
      case 'prepare-destination':
        host.toHost(
          this.destination,
          {
            kind: 'stream.prepare',
            attemptId: this.attemptId,
            migration: this.migration,
            attempt: this.attempt,
            vm: vm.name,
            source: host.name,
            layout: action.layout,
            memoryModel: action.memoryModel,
            latencyNs: this.latencyNs,
            rateBytesPerSec: this.link.bytesPerSec,
            placement: vm.placements + 1,
          },
          this.latencyNs,
        );
        return;
      case 'phase-changed':
        this.onPhase(action.phase, action.round);
        return;
      case 'send-pages':
        this.link.enqueue(action.batch);
        return;
      case 'pause-vm':
        vm.advanceGuest(host.nowNs());
        vm.pausedByMigration = true;
        host.highlight(vm);
        return;
      case 'resume-source':
        this.resumeOnSource();
        return;
      case 'set-throttle':
        vm.advanceGuest(host.nowNs());
        if (action.reason === 'auto-converge') vm.autoConvergePercent = action.percent;
        else vm.overheadPercent = action.percent;
        return;
      case 'dirty-bitmap-synced':
        if (!this.switched) vm.pendingStallNs += vcpuStallOfNs(action.reports);
        return;
      case 'dirty-logging':
        if (!this.switched) vm.pendingStallNs += vcpuStallOfNs(action.reports);
        host.event(action.enabled ? 'dirty-logging-enabled' : 'dirty-logging-disabled', vm.name, `${this.attemptId} on ${host.name}`);
        host.touch(vm);
        return;
      case 'resume-destination':
        if (action.check.mode === 'postcopy-start') this.switched = true;
        host.toHost(this.destination, { kind: 'stream.resume', attemptId: this.attemptId, check: action.check }, this.latencyNs);
        return;
      case 'complete-destination':
        host.toHost(this.destination, { kind: 'stream.complete', attemptId: this.attemptId, check: action.check }, this.latencyNs);
        return;
      case 'discard-destination':
        host.toHost(this.destination, { kind: 'stream.discard', attemptId: this.attemptId, reason: action.reason }, this.latencyNs);
        return;
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.end(action);
        return;
      case 'event-rejected':
        host.event('event-rejected', this.migration, `${action.event}: ${action.reason}`);
        return;
    }
  }

  private onPhase(phase: string, round: number | null): void {
    const host = this.host;
    const reported = AttemptRecord.reports(phase);
    if (reported) this.record.openPhase(phase, round);
    if (phase === 'postcopy') this.watchdog.enteredPostcopy();
    if (UNCAPPED_PHASES.has(phase) && !this.uncapped) {
      this.uncapped = true;
      this.applyLinkRate();
    }
    if (this.start.reportPhases && reported) {
      host.toController({ kind: 'migration.phase', migration: this.migration, attempt: this.attempt, vm: this.vm.name, phase, round });
    }
    this.schedule.phaseChanged(phase, round);
  }

  /** The link's rate for the stage: the flow's share, or what the path has left once QEMU stops limiting. */
  private applyLinkRate(): void {
    const rate = this.uncapped ? Math.max(this.rateBytesPerSec, this.burstRateBytesPerSec) : this.rateBytesPerSec;
    this.link.latencyNs = this.latencyNs;
    if (rate === this.link.bytesPerSec) return;
    this.link.bytesPerSec = rate;
    if (this.machine.status() !== 'none') this.feed({ type: 'link-changed', atNs: this.host.nowNs(), bytesPerSec: rate, rttNs: 2 * this.latencyNs });
  }

  private resumeOnSource(): void {
    const vm = this.vm;
    vm.advanceGuest(this.host.nowNs());
    vm.pausedByMigration = false;
    vm.forcePaused = false;
    if (this.host.up && vm.state !== 'lost') vm.state = 'running';
    this.host.highlight(vm);
  }

  // ---- the end ------------------------------------------------------------------

  private end(terminal: TerminalAction): void {
    const ended = attemptOutcome(terminal, this.watchdog.abortReason, this.cancelReason);
    const lostWorkVcpuNs = this.record.lostWork();
    this.detach();
    this.host.event(`migration-${ended.outcome}`, this.migration, `attempt ${this.attempt}: ${ended.reason}`);
    const vmAfter = settleVmOnSource(this.host, this.vm, this.migration, terminal, ended, () => this.resumeOnSource());
    this.record.report(ended.outcome, ended.reason, terminal.info, vmAfter, lostWorkVcpuNs);
  }

  /** The source host crashed under the attempt: nothing is left to clean up on it. */
  abandon(reason: string): void {
    if (this.ended) return;
    const info = { ...this.machine.info(), status: 'failed' as const, 'error-desc': reason };
    const lostWorkVcpuNs = this.record.lostWork();
    this.detach();
    this.host.toHost(this.destination, { kind: 'stream.discard', attemptId: this.attemptId, reason }, this.latencyNs);
    this.host.event('migration-failed', this.migration, `attempt ${this.attempt}: ${reason}`);
    this.record.report('failed', reason, info, 'down', lostWorkVcpuNs);
  }

  /** At the horizon, still running: its record as it stands. */
  unfinished(horizonNs: number): AttemptReport {
    return this.record.unfinished(horizonNs, this.machine.info());
  }

  private detach(): void {
    const now = this.host.nowNs();
    this.ended = true;
    this.record.closePhase(now);
    this.link.clear();
    this.vm.outgoing = undefined;
    this.host.recordTransfer({ attemptId: this.attemptId, destination: this.destination, startNs: this.startNs, endNs: now });
    this.host.touch(this.vm);
  }

  // ---- lookahead ----------------------------------------------------------------

  /**
   * Lower bound on when this attempt sends its next counted message (to the
   * destination or the controller) if nothing reaches it before: during a
   * QEMU pre-copy, the earliest time the machine could stop or switch (it
   * must first send down to the threshold at the link's rate, past the pages
   * its dirty log already holds), or sync when a sync is seen (a reported
   * round, a post-copy after a round), or tell the destination to resume
   * (every byte left has crossed the link), its watchdog's deadline or a
   * scheduled parameter change — whichever is first; its next wake otherwise.
   */
  nextOutputNs(): number {
    if (this.ended) return Infinity;
    const wake = this.pendingWakeNs;
    // After the post-copy switch every page and request counts: no better bound.
    if (this.switched) return wake;
    const link = this.link;
    const view = { bytesPerSec: link.bytesPerSec, queuedBytes: link.queuedBytes(), timeNs: link.timeNs };
    const machine = this.machine;
    const bound = !this.syncsSeen && machine.nextSwitchoverLowerBoundNs !== undefined ? machine.nextSwitchoverLowerBoundNs(view) : machine.nextSyncLowerBoundNs?.(view);
    if (bound === undefined || bound === null) return wake;
    // The watchdog fires at any wake later than lastProgress + timeout; its deadline (one ns past that) is
    // where it wakes to fire, not a bound: simulated times are not whole nanoseconds.
    return this.schedule.earliestBefore(Math.min(bound, this.watchdog.nextDeadlineNs() - 1));
  }
}
