import type { QueryMigrateInfo, TerminalAction } from '@migsim/migration';
import type { OperationReport } from '@migsim/mmu';
import { retryDelayNs, shouldRetry } from '@migsim/orchestration';
import type { MigrationOutcome } from '@migsim/report';
import { GUEST_RAM_SLOT_ID, NS_PER_MS } from './constants';
import { emptyQueryMigrateInfo } from './empty-info';
import type { MigrationAttempt } from './migration-attempt';
import type { MigrationRecord } from './migration-record';
import { RecoveryRun, type RecoveryTrigger } from './recovery-run';
import type { VariantRun } from './variant-run';
import type { VmRuntime } from './vm-runtime';

/**
 * How attempts end and what follows: completion, failure or cancel on the
 * source (the recovery measurement starts there), retries with backoff,
 * operator cancels, attempts that never started, and what host crashes and
 * link changes do to the attempts under way.
 */
export class AttemptEndings {
  constructor(private readonly run: VariantRun) {}

  end(attempt: MigrationAttempt, terminal: TerminalAction): void {
    const run = this.run;
    const vm = attempt.vm;
    const record = attempt.record;
    const outcome: MigrationOutcome =
      terminal.type === 'completed'
        ? 'completed'
        : attempt.abortReason !== undefined
          ? 'aborted'
          : terminal.type === 'cancelled'
            ? 'cancelled'
            : 'failed';
    this.detach(attempt, outcome, terminal.info);
    const detail = terminal.type === 'failed' ? terminal.reason : (attempt.abortReason ?? (terminal.type === 'cancelled' ? 'cancelled' : 'completed'));
    run.event(`migration-${outcome}`, record.id, `attempt ${attempt.number}: ${detail}`);

    if (terminal.type === 'completed') {
      record.consecutiveFailures = 0;
      run.releaseBacklog(vm.name);
      return;
    }
    const recovery = terminal.recovery;
    if (recovery.vmOutcome === 'lost') {
      vm.state = 'lost';
      vm.stateReason = `${record.id}: ${detail}`;
      vm.runningOn = [];
      vm.home = undefined;
      vm.discardModel();
      run.event('vm-lost', vm.name, vm.stateReason);
      run.releaseBacklog(vm.name);
      return;
    }
    if (run.hooks.forgetVmAfterFailure === true) {
      vm.home = undefined;
      vm.runningOn = [];
    }
    if (vm.forcePaused) this.run.driver.resumeOnSource(attempt);
    if (vm.state === 'running' && vm.isMaterialized) {
      if (run.hooks.keepDirtyLoggingAfterFailure === true) vm.built.mmu.setDirtyLogging(GUEST_RAM_SLOT_ID, true);
      const trigger: RecoveryTrigger = outcome === 'aborted' ? 'migration-aborted' : outcome === 'cancelled' ? 'migration-cancelled' : 'migration-failed';
      this.startRecovery(vm, trigger, record.id, recovery.disableLogging);
    }
    this.maybeRetry(record, attempt.number, outcome, detail);
  }

  /** Starts measuring how the source guest recovers now that dirty logging is off. */
  startRecovery(vm: VmRuntime, trigger: RecoveryTrigger, cause: string, disableReports: readonly OperationReport[]): void {
    const run = this.run;
    vm.closeRecovery();
    vm.recovery = new RecoveryRun(vm.built.mmu.profile.recovery, trigger, cause, run.nowNs, vm.spec.vcpus, disableReports, run.plans.watchedFractions(vm.name));
    run.startStepping(vm);
    run.event('recovery-started', vm.name, `${vm.built.mmu.profile.recovery} after ${cause}`);
  }

  /**
   * Retries a failed or aborted attempt after the backoff, while attempts are
   * left. The destination stays; if it is still down when the retry starts, a
   * plan's migration picks another candidate, an explicit one fails again.
   */
  private maybeRetry(record: MigrationRecord, attemptNumber: number, outcome: MigrationOutcome, _detail: string): void {
    const run = this.run;
    const vm = run.vms.get(record.vmName)!;
    const retryable = (outcome === 'failed' || outcome === 'aborted') && vm.state === 'running' && shouldRetry(run.policy, attemptNumber);
    if (!retryable) {
      run.releaseBacklog(vm.name);
      return;
    }
    record.consecutiveFailures += 1;
    const delayNs = retryDelayNs(run.policy, record.consecutiveFailures);
    run.event('retry-scheduled', record.id, `attempt ${attemptNumber + 1} in ${delayNs / 1e9} s to ${record.destinationHost}`);
    run.enqueue(record, run.nowNs + delayNs);
  }

  /** Stops everything an attempt holds and files its report. */
  private detach(attempt: MigrationAttempt, outcome: MigrationOutcome, info: QueryMigrateInfo, finished = true): void {
    const run = this.run;
    attempt.ended = true;
    attempt.closePhase(run.nowNs);
    attempt.link.clear();
    // Nothing reads the destination's page versions once the attempt is over: let later migrations reuse them.
    attempt.destination?.release();
    for (const unsubscribe of attempt.unsubscribe) unsubscribe();
    run.links.stopFlow(attempt.id);
    run.admission.release(attempt.record.id);
    run.attempts.delete(attempt.id);
    run.countTransfer(attempt, -1);
    attempt.vm.activeAttempt = undefined;
    attempt.record.runningAttempt = undefined;
    attempt.record.outcome = outcome;
    attempt.record.attempts.push({
      attempt: attempt.number,
      startMs: attempt.startNs / NS_PER_MS,
      endMs: finished ? run.nowNs / NS_PER_MS : null,
      outcome,
      phases: attempt.phases.map((phase) => ({ ...phase, endMs: phase.endMs < 0 ? run.nowNs / NS_PER_MS : phase.endMs })),
      info,
    });
    run.touch(attempt.vm);
    run.endedVms.push(attempt.vm.name);
    run.armAdmission();
    this.run.driver.rerate();
  }

  /** A migration the controller could not even start (VM or destination not there). */
  failWithoutStart(record: MigrationRecord, number: number, reason: string): void {
    const run = this.run;
    run.admission.release(record.id);
    record.outcome = 'failed';
    record.attempts.push({
      attempt: number,
      startMs: run.nowNs / NS_PER_MS,
      endMs: run.nowNs / NS_PER_MS,
      outcome: 'failed',
      phases: [],
      info: emptyQueryMigrateInfo(reason),
    });
    run.event('migration-failed', record.id, `attempt ${number}: ${reason}`);
    run.armAdmission();
    this.maybeRetry(record, number, 'failed', reason);
  }

  /** The source host died under a running attempt: nothing is left to clean up on it. */
  abandon(attempt: MigrationAttempt, reason: string): void {
    attempt.sourceLost = true;
    attempt.destination?.drop();
    const info = { ...attempt.machine.info(), status: 'failed' as const, 'error-desc': reason };
    this.detach(attempt, 'failed', info);
    this.run.event('migration-failed', attempt.record.id, `attempt ${attempt.number}: ${reason}`);
    this.run.releaseBacklog(attempt.vm.name);
  }

  /** At the horizon: the attempt is still running. */
  closeUnfinished(attempt: MigrationAttempt): void {
    this.detach(attempt, 'unfinished', attempt.machine.info(), false);
  }

  /** An operator cancel (`migrate_cancel`); refused by the machine once post-copy started. */
  cancel(record: MigrationRecord, reason: string): void {
    const run = this.run;
    if (record.queued) {
      run.pending.remove(record.id);
      record.queued = false;
      record.outcome = 'cancelled';
      run.event('migration-cancelled', record.id, `before it started: ${reason}`);
      run.releaseBacklog(record.vmName);
      return;
    }
    const attempt = record.runningAttempt === undefined ? undefined : run.attempts.get(record.runningAttempt);
    if (attempt === undefined) return;
    attempt.cancelledByUser = true;
    this.run.driver.command(attempt, { type: 'cancel', atNs: run.nowNs });
  }

  // ---- hosts and links ------------------------------------------------------

  /** A host crashed: migrations into it fail, migrations out of it are lost with it, its VMs go down. */
  crashHost(hostName: string, reason: string): void {
    const run = this.run;
    run.host(hostName).up = false;
    run.links.setHostUp(hostName, false);
    for (const attempt of [...run.attempts.values()]) {
      if (attempt.ended) continue;
      if (attempt.destinationHost === hostName) {
        this.run.driver.sync(attempt);
        if (attempt.ended) continue;
        attempt.link.clear();
        attempt.destination?.drop();
        this.run.driver.feed(attempt, { type: 'fault', atNs: run.nowNs, fault: { kind: 'destination-crash', reason } });
        if (!attempt.ended) this.run.driver.reschedule(attempt);
      } else if (attempt.sourceHost === hostName) {
        this.abandon(attempt, `source host crashed: ${reason}`);
      }
    }
    for (const vm of run.vms.values()) {
      if (vm.home !== hostName || vm.state === 'lost') continue;
      vm.state = 'down';
      vm.stateReason = reason;
      vm.runningOn = [];
      vm.closeRecovery();
      run.touch(vm);
    }
    this.linksChanged();
  }

  /**
   * Link state or rates changed. A post-copy stream does not survive its path
   * going down (the destination's page requests time out: QEMU fails, or
   * pauses with postcopy recovery); a paused post-copy is recovered by the
   * controller as soon as its path is back. Pre-copy just stalls at rate 0
   * and the watchdogs decide.
   */
  linksChanged(): void {
    const run = this.run;
    this.run.driver.rerate();
    for (const attempt of [...run.attempts.values()]) {
      if (attempt.ended) continue;
      const phase = attempt.machine.phase().name;
      const pathUp = run.links.isPathUp(attempt.sourceHost, attempt.destinationHost);
      if (phase === 'postcopy' && !pathUp) {
        attempt.link.clear();
        this.run.driver.command(attempt, { type: 'fault', atNs: run.nowNs, fault: { kind: 'connection-lost', reason: 'post-copy channel lost with the link' } });
      } else if (phase === 'postcopy-paused' && pathUp && attempt.record.params.postcopyRecovery) {
        this.run.driver.command(attempt, { type: 'postcopy-recover', atNs: run.nowNs });
      }
    }
  }

}
