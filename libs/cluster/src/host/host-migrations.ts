import type { PageBatch } from '@migsim/migration';
import type { MigrationAttempt } from '@migsim/report';
import { GUEST_STEP_NS } from '../constants';
import { emptyQueryMigrateInfo } from '../empty-info';
import type { ClusterMessage, MigrationStart } from '../messages/messages';
import { DirtyRateProbe } from './dirty-rate-probe';
import type { HostLive } from './host-facts';
import type { HostPort } from './host-port';
import { IncomingMigration } from './incoming-migration';
import { OutgoingMigration } from './outgoing-migration';

/**
 * The work in flight on one host: the source sides of the migrations
 * leaving it (started by `migration.start`), the destination sides of those
 * arriving (`stream.prepare`), and its dirty-rate probes (`probe.start`).
 * It routes each of their messages, runs the outgoing migrations' wakes,
 * bounds when any of them may next send, and tears them all down when the
 * host crashes. The VMs, timers and records stay with the host actor.
 */
export class HostMigrations {
  private readonly outgoing = new Map<string, OutgoingMigration>();
  private readonly incoming = new Map<string, IncomingMigration>();
  private readonly probes = new Map<string, DirtyRateProbe>();

  constructor(
    private readonly host: HostPort,
    /** The host's own next wake (its timers' and these migrations'). */
    private readonly hostWakeNs: () => number,
  ) {}

  // ---- messages -----------------------------------------------------------------

  /** Handles a message for a migration or a probe; false when it is for neither. */
  receive(message: ClusterMessage): boolean {
    switch (message.kind) {
      case 'migration.start':
        this.startMigration(message);
        return true;
      case 'migration.rate':
        this.outgoing.get(message.attemptId)?.setRate(message.rateBytesPerSec, message.burstRateBytesPerSec, message.latencyNs, message.pathUp);
        return true;
      case 'migration.cancel':
        this.outgoing.get(message.attemptId)?.cancel(message.reason);
        return true;
      case 'probe.start': {
        const probe = DirtyRateProbe.start(this.host, message);
        if (probe === undefined) return true;
        this.probes.set(probe.vm.name, probe);
        this.host.at(probe.endNs, () => this.endProbe(probe));
        return true;
      }
      case 'stream.prepare':
        this.incoming.set(message.attemptId, new IncomingMigration(this.host, message));
        return true;
      case 'stream.batch':
        this.incoming.get(message.attemptId)?.receiveBatch(message.batch);
        return true;
      case 'stream.resume':
        this.incoming.get(message.attemptId)?.resume(message.check);
        return true;
      case 'stream.complete':
        this.incoming.get(message.attemptId)?.complete(message.check);
        return true;
      case 'stream.discard':
        this.incoming.get(message.attemptId)?.discard(message.reason);
        this.incoming.delete(message.attemptId);
        return true;
      case 'stream.rate':
        this.incoming.get(message.attemptId)?.setRate(message.rateBytesPerSec, message.latencyNs);
        return true;
      case 'stream.resumed':
      case 'stream.completed':
        this.outgoing.get(message.attemptId)?.answer(message);
        return true;
      case 'stream.page-request':
        this.outgoing.get(message.attemptId)?.command({ type: 'page-request', atNs: 0, gfns: message.gfns });
        return true;
      case 'stream.peer-lost':
        this.outgoing.get(message.attemptId)?.peerLost(message.reason);
        return true;
      default:
        return false;
    }
  }

  /** A pre-copy batch delivered lazily: only its pages' contents land on the destination. */
  applyLazyBatch(attemptId: string, batch: PageBatch): void {
    this.incoming.get(attemptId)?.applyLazyBatch(batch);
  }

  /** A crashed host answers nothing; a migration start it gets fails at once (the controller's refusal path). */
  receiveWhileDown(message: ClusterMessage): void {
    const host = this.host;
    if (message.kind === 'migration.start') this.refuse(message, `source host ${host.name} is down`);
    if (message.kind === 'stream.prepare') {
      host.toHost(message.source, { kind: 'stream.peer-lost', attemptId: message.attemptId, reason: `destination ${host.name} is down` }, message.latencyNs);
    }
    if (message.kind === 'probe.start' && message.reportRate) host.toController({ kind: 'probe.ended', probe: message.probe, vm: message.vm, rateBytesPerSec: null });
  }

  private startMigration(start: MigrationStart): void {
    const vm = this.host.vm(start.vm);
    const refusal =
      vm === undefined || !vm.resident
        ? `VM ${start.vm} is not on ${this.host.name}`
        : vm.state !== 'running'
          ? `VM ${start.vm} is ${vm.state}`
          : vm.outgoing !== undefined || vm.postcopyIncoming !== undefined
            ? `VM ${start.vm} is already migrating`
            : undefined;
    if (refusal !== undefined) {
      this.refuse(start, refusal);
      return;
    }
    const probe = this.probes.get(vm!.name);
    if (probe !== undefined) this.endProbe(probe);
    const migration = new OutgoingMigration(this.host, start, vm!, (m, atNs) => this.wakeAttempt(m, atNs));
    this.outgoing.set(start.attemptId, migration);
    migration.begin();
    if (migration.ended) this.outgoing.delete(start.attemptId);
  }

  private refuse(start: MigrationStart, reason: string): void {
    const now = this.host.nowNs();
    this.host.event('migration-failed', start.migration, `attempt ${start.attempt}: ${reason}`);
    this.host.toController({
      kind: 'migration.ended',
      migration: start.migration,
      attempt: start.attempt,
      vm: start.vm,
      outcome: 'failed',
      reason,
      startNs: now,
      endNs: now,
      phases: [],
      info: emptyQueryMigrateInfo(reason),
      vmAfter: 'on-source',
    });
  }

  /** The host went down: migrations out of it are lost, migrations into it fail, its probes end. */
  crash(reason: string): void {
    for (const migration of [...this.outgoing.values()]) migration.abandon(`source host crashed: ${reason}`);
    this.outgoing.clear();
    for (const migration of this.incoming.values()) migration.crash(reason);
    this.incoming.clear();
    for (const probe of this.probes.values()) probe.finish();
    this.probes.clear();
  }

  private endProbe(probe: DirtyRateProbe): void {
    if (this.probes.get(probe.vm.name) === probe) this.probes.delete(probe.vm.name);
    probe.finish();
  }

  // ---- wakes --------------------------------------------------------------------

  private wakeAttempt(migration: OutgoingMigration, atNs: number): void {
    migration.pendingWakeNs = atNs;
  }

  /** Runs the outgoing migration whose wake is earliest and due by `nowNs` (ties: the one started first); false when none is due. */
  wakeDue(nowNs: number): boolean {
    let due: OutgoingMigration | undefined;
    for (const migration of this.outgoing.values()) {
      const wake = migration.pendingWakeNs;
      if (wake <= nowNs && (due === undefined || wake < due.pendingWakeNs)) due = migration;
    }
    if (due === undefined) return false;
    due.pendingWakeNs = Infinity;
    due.process();
    if (due.ended) this.outgoing.delete(due.attemptId);
    return true;
  }

  /** The earliest wake of an outgoing migration, if it is before `beforeNs`; `beforeNs` otherwise. */
  nextWakeNs(beforeNs: number): number {
    let next = beforeNs;
    for (const migration of this.outgoing.values()) {
      const wake = migration.pendingWakeNs;
      if (wake < next) next = wake;
    }
    return next;
  }

  /** Lower bound on when any of them sends next. */
  nextOutputNs(): number {
    // The usual host: nothing of its own will ever send (asked after every step).
    if (this.outgoing.size === 0 && this.probes.size === 0 && this.incoming.size === 0) return Infinity;
    let next = Infinity;
    for (const migration of this.outgoing.values()) {
      const bound = migration.nextOutputNs();
      if (bound < next) next = bound;
    }
    for (const probe of this.probes.values()) if (probe.request.reportRate && probe.endNs < next) next = probe.endNs;
    // A post-copy guest running here sends page requests from its steps.
    for (const migration of this.incoming.values()) {
      if (!migration.runningPostcopy) continue;
      const vm = this.host.vm(migration.vmName);
      if (vm !== undefined) next = Math.min(next, vm.guestTimeNs + GUEST_STEP_NS, this.hostWakeNs());
    }
    return next;
  }

  // ---- what a watcher sees, and the horizon ------------------------------------------

  /** The running outgoing migrations' `query-migrate` replies and phases. */
  live(): HostLive['migrations'] {
    const migrations: HostLive['migrations'] = [];
    for (const migration of this.outgoing.values()) {
      if (migration.ended) continue;
      const phase = migration.machine.phase();
      migrations.push({ migration: migration.migration, attempt: migration.attempt, vm: migration.vm.name, destination: migration.destination, phase: phase.name, round: phase.round, info: migration.machine.info() });
    }
    return migrations;
  }

  /** At the horizon: the attempts still running, with their records as they stand (their transfers recorded up to it). */
  unfinished(horizonNs: number): { migration: string; attempt: MigrationAttempt }[] {
    const running = [...this.outgoing.values()].filter((m) => !m.ended);
    const unfinished = running.map((m) => ({ migration: m.migration, attempt: m.unfinished(horizonNs) }));
    for (const m of running) this.host.recordTransfer({ attemptId: m.attemptId, destination: m.destination, startNs: m.startNs, endNs: horizonNs });
    return unfinished;
  }
}
