/**
 * Simulated time of a run in the services: the wall clock scaled by the run's
 * speed from the run's epoch, both agreed through Redis by the controller
 * (`simTime = (wall - epoch) * speed`), so every process computes the same
 * simulated instant without talking to the others.
 */
export interface RunClock {
  readonly epochMs: number;
  readonly speed: number;
}

export function simNowNs(clock: RunClock, wallMs: number): number {
  return Math.max(0, Math.round((wallMs - clock.epochMs) * clock.speed * 1e6));
}
