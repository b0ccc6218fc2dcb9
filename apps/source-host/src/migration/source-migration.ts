import { FifoLink, type MigrationAction, type MigrationMachine, type PageBatch, type SwitchoverVerification, type TerminalAction, vcpuStallOfNs } from '@migsim/migration';

/** What the source side of one migration attempt asks the host to carry out. */
export interface SourceMigrationOutput {
  /** A message on the destination's ordered page stream (prepare, batch, resume, discard). */
  stream(kind: 'prepare' | 'batch' | 'resume' | 'discard', seq: number, body: unknown): void;
  phase(action: Extract<MigrationAction, { type: 'phase-changed' }>): void;
  dirtyLogging(enabled: boolean, atNs: number): void;
  terminal(action: TerminalAction, phases: readonly PhaseMark[]): void;
}

export interface PhaseMark {
  phase: string;
  round: number | null;
  atNs: number;
}

/**
 * Drives the source side of one migration attempt with libs/migration's
 * state machine, in simulated time: the host advances it to the end of each
 * guest step; batches leave over a FIFO link at the simulated bandwidth and,
 * once their last byte left, go on the destination's page stream (so page
 * traffic is paced by the simulated link, not one job per page); the
 * destination's answer comes back as a command.
 */
export class SourceMigration {
  readonly link: FifoLink;
  paused = false;
  autoConvergePercent = 0;
  overheadPercent = 0;
  pendingStallNs = 0;
  nowNs: number;
  terminalAction: TerminalAction | null = null;
  private readonly phases: PhaseMark[] = [];
  /** Stream sequence for control messages, after every batch seq (batches use the machine's own seq). */
  private controlSeq = 1_000_000_000;

  constructor(
    readonly id: string,
    readonly attempt: number,
    private readonly machine: MigrationMachine,
    linkBytesPerSec: number,
    startNs: number,
    private readonly output: SourceMigrationOutput,
  ) {
    this.link = new FifoLink(linkBytesPerSec);
    this.nowNs = startNs;
  }

  start(): void {
    this.feed({ type: 'start', atNs: this.nowNs, linkBytesPerSec: this.link.bytesPerSec });
  }

  get status(): string {
    return this.machine.status();
  }

  info() {
    return this.machine.info();
  }

  /** Advances machine and link to `endNs`, event by event. */
  advanceTo(endNs: number): void {
    for (let spins = 0; this.terminalAction === null && spins < 100_000; spins++) {
      let nextNs = endNs;
      const departure = this.link.nextDepartureNs(this.nowNs);
      if (departure !== null && departure < nextNs) nextNs = departure;
      const wake = this.machine.nextWakeNs();
      if (wake !== null && wake < nextNs) nextNs = wake;
      nextNs = Math.max(nextNs, this.nowNs);
      const departed = this.link.advance(this.nowNs, nextNs);
      this.nowNs = nextNs;
      for (const batch of departed) this.depart(batch);
      const due = this.machine.nextWakeNs();
      if (this.terminalAction === null && due !== null && due <= this.nowNs) this.feed({ type: 'tick', atNs: this.nowNs });
      if (this.nowNs >= endNs && this.link.nextDepartureNs(this.nowNs) !== this.nowNs) {
        const again = this.machine.nextWakeNs();
        if (again === null || again > this.nowNs) return;
      }
    }
  }

  fault(kind: 'connection-lost' | 'destination-crash' | 'source-error', reason: string): void {
    if (this.terminalAction !== null) return;
    if (kind !== 'source-error') this.link.clear();
    this.feed({ type: 'fault', atNs: this.nowNs, fault: { kind, reason } });
  }

  cancel(): void {
    if (this.terminalAction === null) this.feed({ type: 'cancel', atNs: this.nowNs });
  }

  /** The controller re-rated this flow (NICs shared, a link fault): the socket drains at the new rate, and QEMU's rate estimate follows. */
  relink(bytesPerSec: number, latencyNs: number): void {
    if (this.terminalAction !== null) return;
    this.link.bytesPerSec = bytesPerSec;
    this.link.latencyNs = latencyNs;
    this.feed({ type: 'link-changed', atNs: this.nowNs, bytesPerSec, rttNs: 2 * latencyNs });
  }

  destinationResumed(verification: SwitchoverVerification): void {
    if (this.terminalAction === null) this.feed({ type: 'destination-resumed', atNs: this.nowNs, verification });
  }

  private depart(batch: PageBatch): void {
    this.output.stream('batch', batch.seq, batch);
    this.feed({ type: 'bytes-delivered', atNs: this.nowNs, bytes: batch.wireBytes });
  }

  private feed(event: Parameters<MigrationMachine['handle']>[0]): void {
    for (const action of this.machine.handle(event)) this.apply(action);
  }

  private apply(action: MigrationAction): void {
    switch (action.type) {
      case 'prepare-destination':
        this.output.stream('prepare', this.controlSeq++, { migrationId: action.migrationId, layout: action.layout, memoryModel: action.memoryModel });
        return;
      case 'phase-changed':
        this.phases.push({ phase: action.phase, round: action.round, atNs: action.atNs });
        this.output.phase(action);
        return;
      case 'send-pages':
        this.link.enqueue(action.batch);
        return;
      case 'pause-vm':
        this.paused = true;
        return;
      case 'resume-source':
        this.paused = false;
        return;
      case 'set-throttle':
        if (action.reason === 'auto-converge') this.autoConvergePercent = action.percent;
        else this.overheadPercent = action.percent;
        return;
      // The kernel time of every MMU operation is charged to the guest as mmu_lock stall, as the in-process engine does.
      case 'dirty-bitmap-synced':
        this.pendingStallNs += vcpuStallOfNs(action.reports);
        return;
      case 'dirty-logging':
        this.pendingStallNs += vcpuStallOfNs(action.reports);
        this.output.dirtyLogging(action.enabled, action.atNs);
        return;
      case 'resume-destination':
        this.output.stream('resume', this.controlSeq++, { check: action.check });
        return;
      case 'complete-destination':
        // Post-copy is not driven by the services (see README): treat as resume.
        this.output.stream('resume', this.controlSeq++, { check: action.check });
        return;
      case 'discard-destination':
        this.output.stream('discard', this.controlSeq++, { reason: action.reason });
        return;
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.terminalAction = action;
        this.link.clear();
        this.output.terminal(action, this.phases);
        return;
      case 'event-rejected':
        return;
    }
  }
}
