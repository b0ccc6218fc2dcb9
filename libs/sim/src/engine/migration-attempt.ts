import type { MigrationDestination, MigrationMachine, PageBatch } from '@migsim/migration';
import type { MigrationWatchdog } from '@migsim/orchestration';
import type { PhaseInterval } from '@migsim/report';
import type { AttemptLink } from './attempt-link';
import type { MigrationRecord } from './migration-record';
import type { PageVersionTracker } from './page-version-tracker';
import type { VmRuntime } from './vm-runtime';

/** One running attempt of a migration: the machine, its stream, its destination and its watchdog. */
export class MigrationAttempt {
  destination: MigrationDestination | null = null;
  readonly phases: PhaseInterval[] = [];
  /** Set when the controller aborted it (watchdog), with the reason. */
  abortReason: string | undefined;
  /** Set when an operator cancelled it (a migration-cancel fault). */
  cancelledByUser = false;
  /** The source host crashed: the machine is abandoned. */
  sourceLost = false;
  /** Pages dirtied on the source vs. received, for the switchover checker (pre-copy only). */
  tracker: PageVersionTracker | null;
  /** Version of the latest scheduled wake (older wakes are stale), and its time while pending. */
  wakeVersion = 0;
  pendingWakeNs: number | undefined;
  ended = false;
  /** Consecutive wakes at one instant without progress (stall guard). */
  spinsAtSameTime = 0;
  lastWakeNs = -1;
  readonly unsubscribe: (() => void)[] = [];
  /** Batches that left the source and reach the destination at `atNs` (FIFO, in departure order). */
  private readonly arrivals: ({ atNs: number; batch: PageBatch } | undefined)[] = [];
  private arrivalHead = 0;

  constructor(
    readonly id: string,
    readonly number: number,
    readonly record: MigrationRecord,
    readonly vm: VmRuntime,
    readonly sourceHost: string,
    readonly destinationHost: string,
    readonly machine: MigrationMachine,
    readonly link: AttemptLink,
    readonly watchdog: MigrationWatchdog,
    readonly startNs: number,
    tracker: PageVersionTracker | null,
  ) {
    this.tracker = tracker;
  }

  get migrationId(): string {
    return this.record.id;
  }

  inFlight(atNs: number, batch: PageBatch): void {
    this.arrivals.push({ atNs, batch });
  }

  /** When the next batch in flight reaches the destination, or null. */
  nextArrivalNs(): number | null {
    return this.arrivals[this.arrivalHead]?.atNs ?? null;
  }

  /** Removes and returns the batches that have reached the destination by `nowNs`. */
  takeArrived(nowNs: number): PageBatch[] {
    // Usually one batch: made with its first element, no spare capacity.
    let arrived: PageBatch[] | undefined;
    while (this.arrivalHead < this.arrivals.length && this.arrivals[this.arrivalHead]!.atNs <= nowNs) {
      const batch = this.arrivals[this.arrivalHead]!.batch;
      if (arrived === undefined) arrived = [batch];
      else arrived.push(batch);
      // Cleared so the batch can be collected young.
      this.arrivals[this.arrivalHead] = undefined;
      this.arrivalHead += 1;
    }
    if (this.arrivalHead > 1024 && this.arrivalHead * 2 > this.arrivals.length) {
      this.arrivals.splice(0, this.arrivalHead);
      this.arrivalHead = 0;
    }
    return arrived ?? [];
  }

  /** Closes the open phase interval at `atNs`. */
  closePhase(atNs: number): void {
    const open = this.phases[this.phases.length - 1];
    if (open !== undefined && open.endMs < 0) open.endMs = atNs / 1e6;
  }
}
