/**
 * Time as the engine sees it. Pure code never reads a wall clock: it is
 * handed a `Clock`. The deterministic engine uses `VirtualClock`, which only
 * moves when the engine advances it; a distributed driver can implement the
 * same interface over a scaled wall clock.
 */
export interface Clock {
  /** Simulated nanoseconds since the start of the run. */
  nowNs(): number;
}

/** Thrown when something asks virtual time to run backwards. */
export class ClockError extends Error {
  readonly code = 'CLOCK_BACKWARDS';
  constructor(message: string) {
    super(message);
    this.name = 'ClockError';
  }
}

/** A clock that stands still until told to move; it never moves backwards. */
export class VirtualClock implements Clock {
  private currentNs: number;

  constructor(startNs = 0) {
    this.currentNs = startNs;
  }

  nowNs(): number {
    return this.currentNs;
  }

  /** Jump to `timeNs` (>= now). */
  advanceTo(timeNs: number): void {
    if (timeNs < this.currentNs) {
      throw new ClockError(`virtual time cannot go back from ${this.currentNs} ns to ${timeNs} ns`);
    }
    this.currentNs = timeNs;
  }

  /** Move forward by `deltaNs` (>= 0). */
  advanceBy(deltaNs: number): void {
    this.advanceTo(this.currentNs + deltaNs);
  }
}
