import {
  createMigration,
  MigrationDestination,
  type MigrationAction,
  type MigrationEvent,
  type PageBatch,
  vcpuStallOfNs,
} from '@migsim/migration';
import { MigrationWatchdog } from '@migsim/orchestration';
import type { PhaseKind } from '@migsim/report';
import { flowCapOf, toMigrationParameters } from '@migsim/scenario';
import { AttemptLink } from './attempt-link';
import { DestinationSide } from './destination-side';
import { NS_PER_MS } from './constants';
import { EngineError } from './engine-error';
import { lazySourceVm } from './lazy-source-vm';
import { MigrationAttempt } from './migration-attempt';
import type { MigrationRecord } from './migration-record';
import { PageVersionTracker } from './page-version-tracker';
import { downtimeSchedule } from './scenario-mapping';
import type { VariantRun } from './variant-run';

const REPORTED_PHASES = new Set<string>(['setup', 'round', 'stop-and-copy', 'postcopy']);
const MAX_SPINS_AT_ONE_INSTANT = 10_000;

/**
 * Drives every migration attempt of a run through its libs/migration
 * machine, as the reference driver of libs/migration does for one: feeds
 * it events (start, ticks at `nextWakeNs`, bytes delivered by the link,
 * faults, cancels, post-copy page requests) and carries out the actions it
 * returns (batches onto the link, pause / resume, throttle, mmu_lock
 * stalls, destination commands delivered one latency later). Bytes move on
 * each attempt's `AttemptLink` at the flow's max-min fair rate, re-rated
 * whenever a flow starts or stops or a link changes.
 */
export class AttemptDriver {
  private rerating = false;
  private rerateAgain = false;

  private readonly destinationSide: DestinationSide;

  constructor(private readonly run: VariantRun) {
    this.destinationSide = new DestinationSide(run, (attempt, event) => this.command(attempt, event));
  }

  // ---- start --------------------------------------------------------------

  /** Starts the next attempt of `record` (already admitted from `sourceHost`). */
  start(record: MigrationRecord, sourceHost: string): void {
    const run = this.run;
    const now = run.nowNs;
    const vm = run.vms.get(record.vmName)!;
    const number = record.attempts.length + 1;
    record.sourceHost ??= sourceHost;
    if (!run.host(record.destinationHost).up && record.candidates !== undefined) {
      // A plan's migration whose destination went down: pick another by the drain rule.
      const replacement = run.plans.repickDestination(record);
      if (replacement !== undefined) {
        run.event('destination-repicked', record.id, `${record.destinationHost} is down: ${replacement} instead`);
        run.admission.release(record.id);
        record.destinationHost = replacement;
        if (!run.admission.canAdmit({ sourceHost, destinationHost: replacement })) {
          run.enqueue(record, now);
          return;
        }
        run.admission.admit({ id: record.id, sourceHost, destinationHost: replacement });
      }
    }
    const refusal =
      vm.state !== 'running' || vm.home === undefined
        ? `VM ${vm.name} is ${vm.state}`
        : vm.home !== sourceHost
          ? `VM ${vm.name} moved to ${vm.home} while queued`
          : !run.host(record.destinationHost).up
            ? `destination ${record.destinationHost} is down`
            : vm.home === record.destinationHost
              ? `VM ${vm.name} already runs on ${record.destinationHost}`
              : undefined;
    if (refusal !== undefined) {
      this.run.endings.failWithoutStart(record, number, refusal);
      return;
    }
    if (vm.probing !== undefined) run.plans.endProbeEarly(vm);
    const wasStepping = vm.recovery !== undefined;
    const built = vm.ensure(run.host(sourceHost).spec, now);
    if (wasStepping) vm.advanceGuest(now);
    else vm.guestTimeNs = Math.max(vm.guestTimeNs, now);
    vm.closeRecovery();

    const id = `${record.id}#${number}`;
    const destinationHost = record.destinationHost;
    const machine = createMigration({ id, vm: lazySourceVm(built.guest, () => vm.advanceGuest(run.nowNs)), params: toMigrationParameters(record.params) });
    run.links.startFlow({ id, sourceHost, destinationHost, capBytesPerSec: flowCapOf(record.params) });
    const link = new AttemptLink(0, run.links.latencyNs(sourceHost, destinationHost), now);
    const watchdog = new MigrationWatchdog(run.policy, vm.spec.memoryBytes, now);
    const pageModel = record.params.algorithm === 'qemu-precopy' || record.params.algorithm === 'xen';
    const tracker = pageModel ? new PageVersionTracker(Math.floor(vm.spec.memoryBytes / 4096)) : null;
    const attempt = new MigrationAttempt(id, number, record, vm, sourceHost, destinationHost, machine, link, watchdog, now, tracker);
    run.attempts.set(id, attempt);
    run.countTransfer(attempt, 1);
    record.runningAttempt = id;
    vm.activeAttempt = id;
    run.touch(vm);
    if (tracker !== null) attempt.unsubscribe.push(built.guest.onWrite((gfn, count) => attempt.tracker?.sourceWrote(gfn, count)));
    run.event('migration-started', record.id, `attempt ${number}: VM ${vm.name} ${sourceHost} -> ${destinationHost}`);

    this.rerate();
    this.feed(attempt, { type: 'start', atNs: now, linkBytesPerSec: link.bytesPerSec });
    this.scheduleParameterChanges(attempt);
    if (!attempt.ended) this.reschedule(attempt);
  }

  private scheduleParameterChanges(attempt: MigrationAttempt): void {
    const run = this.run;
    const trigger = attempt.record.params.postcopyAfter;
    if (trigger?.type === 'elapsed') run.at(attempt.startNs + trigger.afterNs, () => this.command(attempt, { type: 'start-postcopy', atNs: run.nowNs }));
    const steps = run.variant.policy.downtimeSteps;
    if (steps !== null) {
      for (const step of downtimeSchedule(steps, attempt.vm.spec.memoryBytes)) {
        run.at(attempt.startNs + step.afterNs, () =>
          this.command(attempt, { type: 'set-parameters', atNs: run.nowNs, params: { 'downtime-limit': step.downtimeLimitMs } }),
        );
      }
    }
  }

  /** Feeds a controller command to a running attempt now. */
  command(attempt: MigrationAttempt, event: MigrationEvent): void {
    if (attempt.ended) return;
    this.sync(attempt);
    if (attempt.ended) return;
    this.feed(attempt, { ...event, atNs: this.run.nowNs } as MigrationEvent);
    if (!attempt.ended) this.reschedule(attempt);
  }

  // ---- progress -------------------------------------------------------------

  /** A wake of `attempt`: run its guest and link up to now, tick the machine if due, watch the timeouts. */
  process(attempt: MigrationAttempt): void {
    const now = this.run.nowNs;
    if (attempt.lastWakeNs === now) attempt.spinsAtSameTime += 1;
    else {
      attempt.lastWakeNs = now;
      attempt.spinsAtSameTime = 0;
    }
    if (attempt.spinsAtSameTime > MAX_SPINS_AT_ONE_INSTANT) {
      throw new EngineError('ENGINE_STALLED', `migration ${attempt.id} made no progress at ${now} ns (status ${attempt.machine.status()})`);
    }
    this.sync(attempt);
    if (attempt.ended) return;
    const wake = attempt.machine.nextWakeNs();
    const ticked = wake !== null && wake <= now;
    if (ticked) this.feed(attempt, { type: 'tick', atNs: now });
    if (attempt.ended) return;
    if (ticked || now >= attempt.watchdog.nextDeadlineNs()) this.observeWatchdog(attempt);
    if (!attempt.ended) this.reschedule(attempt);
  }

  /**
   * Runs the attempt's link up to now, delivering the batches that left. The
   * source guest is run lazily (see `lazySourceVm`); once the VM runs on the
   * destination (post-copy) its guest runs at every event, since its writes
   * raise remote faults.
   */
  sync(attempt: MigrationAttempt): void {
    const now = this.run.nowNs;
    if (attempt.vm.home === attempt.destinationHost) attempt.vm.advanceGuest(now);
    if (attempt.link.timeNs < now || attempt.link.nextDepartureNs() === now) {
      const departed = attempt.link.advance(now);
      for (let i = 0; i < departed.length; i++) {
        this.deliver(attempt, departed[i]!);
        if (attempt.ended) return;
      }
    }
    const next = attempt.nextArrivalNs();
    if (next !== null && next <= now) {
      const arrived = attempt.takeArrived(now);
      for (let i = 0; i < arrived.length; i++) this.receive(attempt, arrived[i]!);
    }
  }

  reschedule(attempt: MigrationAttempt): void {
    let next = attempt.watchdog.nextDeadlineNs();
    const departure = attempt.link.nextDepartureNs();
    if (departure !== null && departure < next) next = departure;
    const wake = attempt.machine.nextWakeNs();
    if (wake !== null && wake < next) next = wake;
    // A batch reaches the destination one latency after it left. While the stream is busy nothing on the
    // source depends on when, so arrivals are applied at the next departure; they get their own wake when
    // the stream is idle (the switchover waits for them) or in post-copy (remote faults do).
    const arrival = attempt.nextArrivalNs();
    if (arrival !== null && arrival < next && (attempt.link.isIdle() || attempt.vm.home === attempt.destinationHost)) next = arrival;
    if (Number.isFinite(next)) this.run.wakeAttempt(attempt, next);
  }

  private deliver(attempt: MigrationAttempt, batch: PageBatch): void {
    const run = this.run;
    this.feed(attempt, { type: 'bytes-delivered', atNs: run.nowNs, bytes: batch.wireBytes });
    const arriving =
      run.hooks.losePagesOfBatch?.(attempt.id, batch.seq) === true ? { ...batch, ranges: [], versionRuns: [], zeroPageCount: 0, normalPageCount: 0 } : batch;
    // It reaches the destination one latency later (at once without latency); the attempt's wakes carry it there.
    if (attempt.link.latencyNs === 0) this.receive(attempt, arriving);
    else attempt.inFlight(run.nowNs + attempt.link.latencyNs, arriving);
  }

  private receive(attempt: MigrationAttempt, batch: PageBatch): void {
    const destination = attempt.destination;
    if (destination === null) return;
    if (batch.kind === 'pages' && attempt.tracker !== null) {
      const ranges = batch.ranges;
      for (let i = 0; i < ranges.length; i += 2) attempt.tracker.destinationReceivedRange(ranges[i]!, ranges[i + 1]!);
    }
    this.destinationSide.route(attempt, destination.receive(batch));
  }

  feed(attempt: MigrationAttempt, event: MigrationEvent): void {
    const actions = attempt.machine.handle(event);
    for (const action of actions) this.apply(attempt, action);
  }

  private observeWatchdog(attempt: MigrationAttempt): void {
    if (attempt.abortReason !== undefined) return;
    const run = this.run;
    const machine = attempt.machine;
    const remaining = machine.ramRemainingBytes !== undefined ? machine.ramRemainingBytes() : machine.info().ram.remaining;
    const verdict = attempt.watchdog.observe(run.nowNs, remaining);
    switch (verdict.action) {
      case 'continue':
        return;
      case 'abort':
        attempt.abortReason = verdict.message;
        run.event('migration-aborting', attempt.record.id, verdict.message);
        this.feed(attempt, { type: 'cancel', atNs: run.nowNs });
        return;
      case 'switch-to-postcopy':
        run.event('timeout-action', attempt.record.id, verdict.message);
        this.feed(attempt, { type: 'start-postcopy', atNs: run.nowNs });
        return;
      case 'force-complete':
        run.event('timeout-action', attempt.record.id, verdict.message);
        if (attempt.record.params.postcopyRam) {
          this.feed(attempt, { type: 'start-postcopy', atNs: run.nowNs });
        } else {
          // Nova force_complete without post-copy: suspend the guest so pre-copy converges.
          attempt.vm.advanceGuest(run.nowNs);
          attempt.vm.forcePaused = true;
          attempt.vm.runningOn = [];
          attempt.vm.state = 'paused';
          run.touch(attempt.vm);
        }
        return;
    }
  }

  // ---- actions --------------------------------------------------------------

  private apply(attempt: MigrationAttempt, action: MigrationAction): void {
    const run = this.run;
    const vm = attempt.vm;
    const latency = attempt.link.latencyNs;
    switch (action.type) {
      case 'prepare-destination':
        attempt.destination = new MigrationDestination(action);
        return;
      case 'phase-changed':
        this.onPhase(attempt, action.phase, action.round);
        return;
      case 'send-pages':
        attempt.link.enqueue(action.batch);
        return;
      case 'pause-vm':
        vm.advanceGuest(run.nowNs);
        vm.pausedByMigration = true;
        vm.runningOn = [];
        vm.state = 'paused';
        run.touch(vm);
        return;
      case 'resume-source':
        this.resumeOnSource(attempt);
        return;
      case 'set-throttle':
        vm.advanceGuest(run.nowNs);
        if (action.reason === 'auto-converge') vm.autoConvergePercent = action.percent;
        else vm.overheadPercent = action.percent;
        return;
      case 'dirty-bitmap-synced':
        if (vm.home === attempt.sourceHost) vm.pendingStallNs += vcpuStallOfNs(action.reports);
        return;
      case 'dirty-logging': {
        if (vm.home === attempt.sourceHost) vm.pendingStallNs += vcpuStallOfNs(action.reports);
        run.event(action.enabled ? 'dirty-logging-enabled' : 'dirty-logging-disabled', vm.name, `${attempt.id} on ${attempt.sourceHost}`);
        run.touch(vm);
        return;
      }
      case 'resume-destination':
        run.at(run.nowNs + latency, () => this.destinationSide.route(attempt, attempt.destination?.resume(action.check) ?? []));
        return;
      case 'complete-destination':
        run.at(run.nowNs + latency, () => this.destinationSide.route(attempt, attempt.destination?.complete(action.check) ?? []));
        return;
      case 'discard-destination':
        run.at(run.nowNs + latency, () => attempt.destination?.drop());
        return;
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.run.endings.end(attempt, action);
        return;
      case 'event-rejected':
        run.event('event-rejected', attempt.record.id, `${action.event}: ${action.reason}`);
        return;
    }
  }

  private onPhase(attempt: MigrationAttempt, phase: string, round: number | null): void {
    const run = this.run;
    const now = run.nowNs;
    if (REPORTED_PHASES.has(phase)) {
      attempt.closePhase(now);
      attempt.phases.push({ phase: phase as PhaseKind, round: phase === 'round' ? round : null, startMs: now / NS_PER_MS, endMs: -1 });
      run.event('phase', attempt.record.id, phase === 'round' ? `round ${round}` : phase);
    }
    if (phase === 'postcopy') {
      attempt.watchdog.enteredPostcopy();
      attempt.tracker = null; // after the switch the guest writes on the destination
    }
    const trigger = attempt.record.params.postcopyAfter;
    if (trigger?.type === 'round' && phase === 'round' && round === trigger.round + 1) {
      run.at(now, () => this.command(attempt, { type: 'start-postcopy', atNs: now }));
    }
    const due = run.faults.takeDueByPhase({ migrationId: attempt.record.id, vmName: attempt.vm.name, phase, round: round ?? 0 }, now);
    for (const fault of due) run.at(now, () => run.faultTarget.fire(fault));
    run.armFaults();
  }

  resumeOnSource(attempt: MigrationAttempt): void {
    const vm = attempt.vm;
    vm.advanceGuest(this.run.nowNs);
    vm.pausedByMigration = false;
    vm.forcePaused = false;
    if (this.run.host(attempt.sourceHost).up && vm.state !== 'lost') {
      vm.home = attempt.sourceHost;
      vm.runningOn = [attempt.sourceHost];
      vm.state = 'running';
    }
    this.run.touch(vm);
  }

  /** Re-computes every flow's max-min fair rate and applies it, moving each link up to now at its old rate first. */
  rerate(): void {
    if (this.rerating) {
      this.rerateAgain = true;
      return;
    }
    this.rerating = true;
    try {
      do {
        this.rerateAgain = false;
        const run = this.run;
        for (const attempt of [...run.attempts.values()]) {
          if (attempt.ended) continue;
          this.sync(attempt);
          if (attempt.ended) continue;
          const rate = run.links.rateBytesPerSec(attempt.id);
          const latency = run.links.latencyNs(attempt.sourceHost, attempt.destinationHost);
          if (rate === attempt.link.bytesPerSec && latency === attempt.link.latencyNs) continue;
          attempt.link.bytesPerSec = rate;
          attempt.link.latencyNs = latency;
          if (attempt.machine.status() !== 'none') {
            this.feed(attempt, { type: 'link-changed', atNs: run.nowNs, bytesPerSec: rate, rttNs: 2 * latency });
          }
          if (!attempt.ended) this.reschedule(attempt);
        }
      } while (this.rerateAgain);
    } finally {
      this.rerating = false;
    }
  }
}
