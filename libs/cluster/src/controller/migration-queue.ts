import { AdmissionController, PendingQueue, retryDelayNs, shouldRetry, type FaultSchedule, type MigrationPolicy } from '@migsim/orchestration';
import type { MigrationOutcome } from '@migsim/report';
import { flowCapOf } from '@migsim/scenario';
import { NS_PER_MS } from '../constants';
import { emptyQueryMigrateInfo } from '../empty-info';
import type { MigrationEnded } from '../messages/messages';
import type { ControllerPort } from './controller-port';
import { newMigrationRecord, type MigrationRecord } from './migration-record';

/** What the queue needs of the controller beyond its port. */
export interface MigrationQueueOptions {
  /** The controller's records, which the queue files requests and attempts in. */
  records: Map<string, MigrationRecord>;
  policy: MigrationPolicy;
  /** Test hook: no admission caps at all. */
  bypassAdmission: boolean;
  /** Which migrations a fault waits on the phases of (their sources report phases). */
  faultSchedule: FaultSchedule;
  /** Another candidate for a plan's migration whose destination is down. */
  repickDestination(record: MigrationRecord): string | undefined;
  /** An admission pass at `atNs` (a controller timer). */
  admitAt(atNs: number): void;
}

/**
 * The controller's migrations from request to end: one migration of a VM
 * at a time (the others wait in a backlog behind it), the admission queue
 * and its caps (KubeVirt's `parallelMigrationsPerCluster` and
 * `parallelOutboundMigrationsPerNode`), starting attempts on their sources,
 * filing the ends they report, and retries with backoff.
 */
export class MigrationQueue {
  readonly admission: AdmissionController;
  readonly pending = new PendingQueue();
  /** Migrations of a VM waiting for an earlier one of the same VM to end. */
  readonly backlog = new Map<string, string[]>();
  private readonly records: Map<string, MigrationRecord>;
  private readonly policy: MigrationPolicy;
  private admissionArmed = false;

  constructor(
    private readonly controller: ControllerPort,
    private readonly options: MigrationQueueOptions,
  ) {
    this.records = options.records;
    this.policy = options.policy;
    this.admission = new AdmissionController(
      options.bypassAdmission
        ? { parallelMigrationsPerCluster: Infinity, parallelOutboundMigrationsPerNode: Infinity, parallelInboundMigrationsPerNode: Infinity }
        : this.policy,
    );
  }

  /** Lets admission run once the current instant's work is done. */
  armAdmission(): void {
    if (this.admissionArmed) return;
    this.admissionArmed = true;
    this.options.admitAt(this.controller.nowNs());
  }

  // ---- migrations requested -----------------------------------------------------

  requestMigration(fields: Parameters<typeof newMigrationRecord>[0]): MigrationRecord {
    const now = this.controller.nowNs();
    const record = newMigrationRecord(fields, now);
    this.records.set(record.id, record);
    this.controller.event('migration-queued', record.id, `VM ${record.vmName} to ${record.destinationHost}`);
    this.enqueue(record, now);
    return record;
  }

  /** Puts a record in the admission queue, or behind the VM's current migration. */
  enqueue(record: MigrationRecord, notBeforeNs: number): void {
    const busy = [...this.records.values()].some((other) => other !== record && other.vmName === record.vmName && (other.queued || other.running !== undefined));
    if (busy) {
      const list = this.backlog.get(record.vmName) ?? [];
      list.push(record.id);
      this.backlog.set(record.vmName, list);
      return;
    }
    record.queued = true;
    this.pending.enqueue({
      id: record.id,
      vmName: record.vmName,
      sourceHost: this.controller.view.hostOf(record.vmName) ?? '',
      destinationHost: record.destinationHost,
      notBeforeNs,
      priority: record.priority,
    });
    if (notBeforeNs > this.controller.nowNs()) this.options.admitAt(notBeforeNs);
    this.armAdmission();
  }

  /** The VM's migration ended: queue the next one waiting behind it. */
  releaseBacklog(vmName: string): void {
    const list = this.backlog.get(vmName);
    if (list === undefined || list.length === 0) return;
    const next = this.records.get(list.shift()!)!;
    if (list.length === 0) this.backlog.delete(vmName);
    this.enqueue(next, this.controller.nowNs());
  }

  /** The admission pass: starts every queued migration that is due and fits the caps. */
  admit(): void {
    this.admissionArmed = false;
    for (const entry of this.pending.admitReady(this.controller.nowNs(), this.admission)) {
      const record = this.records.get(entry.id)!;
      record.queued = false;
      this.start(record, entry.sourceHost);
    }
  }

  /** Starts the next attempt of an admitted record: `migration.start` to the VM's host. */
  private start(record: MigrationRecord, queuedSource: string): void {
    const controller = this.controller;
    const view = controller.view;
    const number = record.started + 1;
    const sourceHost = view.hostOf(record.vmName) ?? queuedSource;
    if (!view.isUp(record.destinationHost) && record.candidates !== undefined) {
      const replacement = this.options.repickDestination(record);
      if (replacement !== undefined) {
        controller.event('destination-repicked', record.id, `${record.destinationHost} is down: ${replacement} instead`);
        this.admission.release(record.id);
        record.destinationHost = replacement;
        if (!this.admission.canAdmit({ sourceHost, destinationHost: replacement })) {
          this.enqueue(record, controller.nowNs());
          return;
        }
        this.admission.admit({ id: record.id, sourceHost, destinationHost: replacement });
      }
    }
    const state = view.stateOf(record.vmName);
    const refusal =
      state !== 'running' || view.hostOf(record.vmName) === undefined
        ? `VM ${record.vmName} is ${state}`
        : sourceHost !== queuedSource
          ? `VM ${record.vmName} moved to ${sourceHost} while queued`
          : !view.isUp(record.destinationHost)
            ? `destination ${record.destinationHost} is down`
            : sourceHost === record.destinationHost
              ? `VM ${record.vmName} already runs on ${record.destinationHost}`
              : undefined;
    record.started = number;
    if (refusal !== undefined) {
      this.failWithoutStart(record, number, refusal);
      return;
    }
    const attemptId = `${record.id}#${number}`;
    record.sourceHost ??= sourceHost;
    record.running = { attempt: number, attemptId, source: sourceHost, destination: record.destinationHost, admittedNs: controller.nowNs() };
    const rate = controller.network.startFlow(attemptId, sourceHost, record.destinationHost, flowCapOf(record.params));
    controller.toHost(sourceHost, {
      kind: 'migration.start',
      migration: record.id,
      attempt: number,
      attemptId,
      vm: record.vmName,
      destination: record.destinationHost,
      params: record.params,
      watchdog: {
        completionTimeoutPerGiBNs: this.policy.completionTimeoutPerGiBNs,
        progressTimeoutNs: this.policy.progressTimeoutNs,
        allowPostCopy: this.policy.allowPostCopy,
        allowWorkloadDisruption: this.policy.allowWorkloadDisruption,
        timeoutAction: this.policy.timeoutAction,
      },
      downtimeSteps: controller.variant.policy.downtimeSteps,
      rateBytesPerSec: rate.rateBytesPerSec,
      burstRateBytesPerSec: rate.burstRateBytesPerSec,
      latencyNs: rate.latencyNs,
      reportPhases: this.options.faultSchedule.watches(record.id, record.vmName),
    });
    controller.rerate();
  }

  /** A migration the controller could not even start (VM or destination not there). */
  private failWithoutStart(record: MigrationRecord, number: number, reason: string): void {
    const now = this.controller.nowNs();
    this.admission.release(record.id);
    record.outcome = 'failed';
    record.attempts.push({ attempt: number, startMs: now / NS_PER_MS, endMs: now / NS_PER_MS, outcome: 'failed', reason, phases: [], info: emptyQueryMigrateInfo(reason) });
    this.controller.event('migration-failed', record.id, `attempt ${number}: ${reason}`);
    this.armAdmission();
    this.maybeRetry(record, number, 'failed');
  }

  /** A source reported the end of an attempt: file it, free its slot and flow, and decide what follows. */
  ended(message: MigrationEnded): void {
    const record = this.records.get(message.migration);
    const running = record?.running;
    if (record === undefined || running === undefined || running.attempt !== message.attempt) return;
    record.running = undefined;
    this.admission.release(record.id);
    this.controller.network.stopFlow(running.attemptId);
    this.controller.rerate();
    record.outcome = message.outcome;
    record.attempts.push({
      attempt: message.attempt,
      startMs: message.startNs / NS_PER_MS,
      endMs: message.endNs / NS_PER_MS,
      outcome: message.outcome,
      ...(message.outcome === 'completed' ? {} : { reason: message.reason }),
      phases: message.phases,
      info: message.info,
      ...(message.lostWorkVcpuNs === undefined ? {} : { lostWorkVcpuSeconds: message.lostWorkVcpuNs / 1e9 }),
    });
    switch (message.vmAfter) {
      case 'on-destination':
        this.controller.view.moved(record.vmName, running.destination);
        break;
      case 'lost':
        this.controller.view.lost(record.vmName);
        break;
      default:
        break;
    }
    if (message.outcome === 'completed') {
      record.consecutiveFailures = 0;
      this.releaseBacklog(record.vmName);
    } else if (message.vmAfter === 'lost') {
      this.releaseBacklog(record.vmName);
    } else {
      this.maybeRetry(record, message.attempt, message.outcome);
    }
    this.armAdmission();
  }

  /**
   * Retries a failed or aborted attempt after the backoff, while attempts
   * are left. The destination stays; if it is down when the retry starts, a
   * plan's migration picks another candidate, an explicit one fails again.
   */
  private maybeRetry(record: MigrationRecord, attempt: number, outcome: MigrationOutcome): void {
    const retryable = (outcome === 'failed' || outcome === 'aborted') && this.controller.view.stateOf(record.vmName) === 'running' && shouldRetry(this.policy, attempt);
    if (!retryable) {
      this.releaseBacklog(record.vmName);
      return;
    }
    record.consecutiveFailures += 1;
    const delayNs = retryDelayNs(this.policy, record.consecutiveFailures);
    this.controller.event('retry-scheduled', record.id, `attempt ${attempt + 1} in ${delayNs / 1e9} s to ${record.destinationHost}`);
    this.enqueue(record, this.controller.nowNs() + delayNs);
  }

  /** An operator cancel (`migrate_cancel`); the source refuses it once post-copy started. */
  cancel(record: MigrationRecord, reason: string): void {
    if (record.queued) {
      this.pending.remove(record.id);
      record.queued = false;
      record.outcome = 'cancelled';
      this.controller.event('migration-cancelled', record.id, `before it started: ${reason}`);
      this.releaseBacklog(record.vmName);
      return;
    }
    if (record.running !== undefined) this.controller.toHost(record.running.source, { kind: 'migration.cancel', attemptId: record.running.attemptId, reason });
  }
}
