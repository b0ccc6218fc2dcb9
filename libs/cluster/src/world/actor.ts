/**
 * The simulated cluster is a set of actors — the controller and one actor
 * per host — that share nothing and talk only through messages (DESIGN.md
 * section 2, "One world, two ways to run it"). The same actor code runs in
 * the in-process engine (libs/sim delivers its messages through one event
 * queue) and in the services (each process runs the actors of its shard and
 * BullMQ carries their messages); both call it in the same order, so both
 * produce the same report.
 *
 * The contract that makes that possible:
 *
 * - An actor is deterministic: its behaviour depends only on the calls it
 *   gets (`receive`, `advanceTo`, `applyLazy`) and their arguments, never on
 *   a clock, randomness it was not given, or when a call happens in wall time.
 * - A message is delivered `latencyNs > 0` after it was sent (per channel in
 *   order, see `ActorOutbox`), so nothing an actor does at time t can reach
 *   another actor before t + the world's lookahead.
 * - At one time t, an actor first runs its own due work (`advanceTo(t)`),
 *   then receives the messages delivered at t in (sender rank, sequence)
 *   order, then runs any work those scheduled at t (`ActorSlot.stepAt`).
 * - **Lazy messages** (page data of a pre-copy stream) change only state the
 *   recipient reads when a later counted message from the same sender asks
 *   for it (the switchover check). They are applied with `applyLazy`, with no
 *   time, may arrive after the recipient has moved past their delivery time
 *   (or be applied before it: the engine applies them on arrival when no
 *   counted message waits before them), and never make the recipient send
 *   anything. This is what lets the services synchronise on control messages
 *   only (few windows), not on every page batch.
 * - `nextOutputNs()` is a lower bound on the time of the next counted message
 *   the actor would send if it got no more input: once given, it holds until
 *   an input reaches the actor. The services' windows are built from it
 *   (conservative synchronisation with lookahead); the engine checks every
 *   send against it (`ActorSlot`), so an optimistic bound fails the tests
 *   rather than a distributed run.
 */
export type ActorId = string;

export const CONTROLLER_ID: ActorId = 'controller';

export function hostActorId(host: string): ActorId {
  return `host:${host}`;
}

/** The host name of a host actor's id, or undefined for the controller. */
export function hostOfActor(id: ActorId): string | undefined {
  return id.startsWith('host:') ? id.slice(5) : undefined;
}

export interface SendOptions {
  /** One-way latency of this message (> 0). */
  latencyNs: number;
  /** Page data that needs no synchronisation point of its own (see the module comment). */
  lazy?: boolean;
}

/** Where an actor's messages go: the runtime stamps time, sequence and delivery time. */
export interface Outbound<M> {
  send(to: ActorId, message: M, options: SendOptions): void;
}

export interface Actor<M> {
  readonly id: ActorId;
  /** A counted message, at its delivery time. */
  receive(message: M, nowNs: number): void;
  /** A lazy message: order-insensitive, timeless, never answered. */
  applyLazy(message: M): void;
  /** Runs the actor's own work due at or before `nowNs`. */
  advanceTo(nowNs: number): void;
  /** When the actor next has work of its own; Infinity when none. */
  nextWakeNs(): number;
  /** Lower bound on when it next sends a counted message absent new input; Infinity when never. */
  nextOutputNs(): number;
}
