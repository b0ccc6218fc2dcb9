export type WorldErrorCode =
  /** A message would arrive no later than it was sent. */
  | 'WORLD_ZERO_LATENCY'
  /** A counted message reached an actor that had already moved past its delivery time. */
  | 'WORLD_CAUSALITY'
  /** An actor sent a counted message before the time its `nextOutputNs()` promised. */
  | 'WORLD_LOOKAHEAD'
  /** An actor kept scheduling work at one instant without moving on. */
  | 'WORLD_STALLED'
  /** A message went to an actor the world does not have. */
  | 'WORLD_UNKNOWN_ACTOR';

/** A broken contract between actors and their runtime: always a bug, never bad input. */
export class WorldError extends Error {
  constructor(
    readonly code: WorldErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorldError';
  }
}
