import type { QueryMigrateInfo } from '@migsim/migration';
import type { PhaseInterval, PhaseKind, MigrationAttempt as AttemptReport } from '@migsim/report';
import { NS_PER_MS } from '../constants';
import type { MigrationStart, VmAfterAttempt } from '../messages/messages';
import type { EndedOutcome } from './attempt-outcome';
import type { HostPort } from './host-port';
import type { HostedVm } from './hosted-vm';

const REPORTED_PHASES = new Set<string>(['setup', 'round', 'stop-and-copy', 'postcopy']);

/**
 * What the source keeps of one attempt for the report: the intervals of
 * the phases a report shows (setup, each round, stop-and-copy, post-copy),
 * the guest work its VM lost since it started, and the record it hands the
 * controller when it ends (`migration.ended`) or the host when the horizon
 * comes first.
 */
export class AttemptRecord {
  readonly phases: PhaseInterval[] = [];
  /** The VM's lost work when the attempt started (what the attempt cost it is the growth since). */
  private readonly lostWorkAtStartNs: number;

  constructor(
    private readonly host: HostPort,
    private readonly start: MigrationStart,
    private readonly vm: HostedVm,
    readonly startNs: number,
  ) {
    this.lostWorkAtStartNs = vm.lostWorkUpToNs(startNs);
  }

  /** Whether a phase of the machine shows in the report. */
  static reports(phase: string): boolean {
    return REPORTED_PHASES.has(phase);
  }

  /** A reported phase starts now: the open one ends, the new one opens, and a report event says so. */
  openPhase(phase: string, round: number | null): void {
    const now = this.host.nowNs();
    this.closePhase(now);
    this.phases.push({ phase: phase as PhaseKind, round: phase === 'round' ? round : null, startMs: now / NS_PER_MS, endMs: -1 });
    this.host.event('phase', this.start.migration, phase === 'round' ? `round ${round}` : phase);
  }

  closePhase(atNs: number): void {
    const open = this.phases[this.phases.length - 1];
    if (open !== undefined && open.endMs < 0) open.endMs = atNs / NS_PER_MS;
  }

  /** Work the VM lost on this host since the attempt started (its stop-and-copy pause included). */
  lostWork(): number {
    return Math.max(0, this.vm.lostWorkUpToNs(this.host.nowNs()) - this.lostWorkAtStartNs);
  }

  /** The attempt's whole record, to the controller. */
  report(outcome: EndedOutcome, reason: string, info: QueryMigrateInfo, vmAfter: VmAfterAttempt, lostWorkVcpuNs: number): void {
    this.host.toController({
      kind: 'migration.ended',
      migration: this.start.migration,
      attempt: this.start.attempt,
      vm: this.vm.name,
      outcome,
      reason,
      startNs: this.startNs,
      endNs: this.host.nowNs(),
      phases: this.phases,
      info,
      vmAfter,
      lostWorkVcpuNs,
    });
  }

  /** At the horizon, still running: its record as it stands (`info`: the machine's `query-migrate` now). */
  unfinished(horizonNs: number, info: QueryMigrateInfo): AttemptReport {
    this.closePhase(horizonNs);
    return {
      attempt: this.start.attempt,
      startMs: this.startNs / NS_PER_MS,
      endMs: null,
      outcome: 'unfinished',
      phases: this.phases.map((phase) => ({ ...phase })),
      info,
      lostWorkVcpuSeconds: this.lostWork() / 1e9,
    };
  }
}
