import { OrderedHeap } from '../core/ordered-heap';
import type { Actor, ActorId, Outbound, SendOptions } from './actor';
import { deliversBefore, type Delivery } from './delivery';
import { WorldError } from './world-error';

/** Work an actor may schedule at one instant before the runtime calls it stuck. */
const MAX_STEPS_AT_ONE_INSTANT = 100_000;

/**
 * One actor in a runtime: its inbox, its outbox and the one way it is
 * stepped. The in-process engine and the services' host and controller
 * processes all step actors through this class, which is what makes them
 * call each actor identically:
 *
 *   stepAt(t): advanceTo(t); receive every counted message delivered at t
 *              in (sender rank, sequence) order; advanceTo(t) while the
 *              actor has work due at t.
 *
 * Lazy messages are applied before a step (`applyLazyUpTo`), never as a
 * step of their own. The slot also checks every counted send against the
 * actor's lookahead promise (see `Actor.nextOutputNs`): the promise it last
 * gave, read where a window needs it (`earliestOutputNs`) and after any
 * step that took an input. A promise binds the actor until an input
 * reaches it (of several given with no input between, the latest holds),
 * and it is that promise the services' windows rely on; steps without
 * input (a source sending page batches, most of a run) do not ask again.
 * `promiseEveryStep` asks after every step as well: a stricter check of
 * the actor's answers, for tests.
 */
export class ActorSlot<M> implements Outbound<M> {
  private readonly counted = new OrderedHeap<Delivery<M>>(deliversBefore);
  /** Lazy deliveries per sender, in delivery order (a channel is FIFO; nothing orders lazies across senders). */
  private readonly lazy = new Map<number, LazyChannel<M>>();
  /** The channels holding lazy deliveries (a destination hears from many sources; most channels are empty). */
  private readonly lazyWaiting: LazyChannel<M>[] = [];
  private lazyCount = 0;
  private readonly lastDeliveryTo = new Map<ActorId, number>();
  private nowNs = 0;
  private seq = 0;
  /** Time of the latest step (or -1): a counted message for an earlier time is a causality error. */
  private steppedNs = -1;
  /** The promise that binds the actor (see the class comment). */
  private promisedOutputNs = 0;
  /** Whether `promisedOutputNs` is still what the actor would answer: nothing reached it, nor did it step, since it was read. */
  private promiseFresh = false;
  /** Whether `promisedOutputNs` still binds the actor: no input reached it since it was read. */
  private promiseBinds = false;
  private releases = 0;
  private inputAtNs = -1;

  private attached: Actor<M> | undefined;

  /** A slot is made first (it is the actor's `Outbound`), then the actor is attached to it. */
  constructor(
    readonly id: ActorId,
    readonly rank: number,
    private readonly sink: (delivery: Delivery<M>) => void,
    private readonly options: ActorSlotOptions = {},
  ) {}

  attach(actor: Actor<M>): this {
    if (actor.id !== this.id) throw new WorldError('WORLD_UNKNOWN_ACTOR', `slot ${this.id} cannot hold actor ${actor.id}`);
    this.attached = actor;
    return this;
  }

  get actor(): Actor<M> {
    if (this.attached === undefined) throw new WorldError('WORLD_UNKNOWN_ACTOR', `slot ${this.id} has no actor`);
    return this.attached;
  }

  /** Time of the last step (-1 before the first). */
  get lastStepNs(): number {
    return this.steppedNs;
  }

  /** Sequence number the actor's next message gets (for journals and replays). */
  get nextSeq(): number {
    return this.seq;
  }

  // ---- Outbound: what the actor calls ---------------------------------------

  send(to: ActorId, message: M, options: SendOptions): void {
    const latency = options.latencyNs;
    if (!(latency > 0)) throw new WorldError('WORLD_ZERO_LATENCY', `${this.id} sent ${describe(message)} to ${to} with latency ${latency} ns`);
    const lazy = options.lazy === true;
    if (!lazy && this.nowNs < this.promisedOutputNs && this.inputAtNs !== this.nowNs) {
      throw new WorldError(
        'WORLD_LOOKAHEAD',
        `${this.id} sent ${describe(message)} at ${this.nowNs} ns, before the ${this.promisedOutputNs} ns its nextOutputNs() promised`,
      );
    }
    // Per channel in order: a message never overtakes one sent before it (a latency that shrank waits).
    const deliverNs = Math.max(this.nowNs + latency, this.lastDeliveryTo.get(to) ?? 0);
    this.lastDeliveryTo.set(to, deliverNs);
    this.sink({ from: this.id, fromRank: this.rank, to, seq: this.seq++, sentNs: this.nowNs, deliverNs, lazy, message });
  }

  // ---- inbox ------------------------------------------------------------------

  deliver(delivery: Delivery<M>): void {
    if (delivery.lazy) {
      let channel = this.lazy.get(delivery.fromRank);
      const ready = this.counted.size === 0 && (channel === undefined || !channel.waiting) && delivery.fromRank !== this.rank;
      if (this.options.applyLazyOnArrival === true && ready) {
        // Nothing before it to wait for: no counted message (it could be the one the data is for) and no page data
        // of the same channel (nor is the sender this actor, mid-step). Applied at once, while still in the cache.
        this.actor.applyLazy(delivery.message);
        this.releasePromise();
        return;
      }
      if (channel === undefined) {
        channel = { items: [], head: 0, waiting: false };
        this.lazy.set(delivery.fromRank, channel);
      }
      insertInOrder(channel, delivery);
      if (!channel.waiting) {
        channel.waiting = true;
        this.lazyWaiting.push(channel);
      }
      this.lazyCount += 1;
      return;
    }
    if (delivery.deliverNs <= this.steppedNs) {
      throw new WorldError(
        'WORLD_CAUSALITY',
        `${this.id} got ${describe(delivery.message)} from ${delivery.from} for ${delivery.deliverNs} ns after it stepped at ${this.steppedNs} ns`,
      );
    }
    this.counted.push(delivery);
  }

  /** When the actor next needs a step: its own work or a counted message; Infinity when neither. */
  nextStepNs(): number {
    const wake = this.actor.nextWakeNs();
    const head = this.counted.peek();
    return head !== undefined && head.deliverNs < wake ? head.deliverNs : wake;
  }

  /** Delivery time of the earliest lazy message waiting, or Infinity. */
  nextLazyNs(): number {
    let next = Infinity;
    for (const channel of this.lazyWaiting) {
      const head = channel.items[channel.head];
      if (head !== undefined && head.deliverNs < next) next = head.deliverNs;
    }
    return next;
  }

  /**
   * Earliest time this actor may send a counted message: its own promise, or
   * the delivery of a counted message it has yet to receive (it may answer at once).
   */
  earliestOutputNs(): number {
    const head = this.counted.peek();
    const promised = this.promiseFresh ? this.promisedOutputNs : this.readPromise();
    return head !== undefined && head.deliverNs < promised ? head.deliverNs : promised;
  }

  /** Lazy messages waiting. */
  get pendingLazyCount(): number {
    return this.lazyCount;
  }

  /** Messages waiting, counted and lazy (for progress reports and tests). */
  get pendingCount(): number {
    return this.counted.size + this.lazyCount;
  }

  /** Applies every lazy message delivered by `timeNs`, each channel in order. */
  applyLazyUpTo(timeNs: number): void {
    if (this.lazyCount === 0) return;
    const before = this.lazyCount;
    const waiting = this.lazyWaiting;
    for (let c = 0; c < waiting.length; c++) {
      const channel = waiting[c]!;
      const items = channel.items;
      let head = channel.head;
      while (head < items.length && items[head]!.deliverNs <= timeNs) {
        const delivery = items[head]!;
        items[head] = undefined as unknown as Delivery<M>;
        head += 1;
        this.lazyCount -= 1;
        this.actor.applyLazy(delivery.message);
      }
      if (head === items.length) {
        channel.items = [];
        head = 0;
        // Emptied: out of the waiting list (order among channels does not matter).
        channel.waiting = false;
        waiting[c] = waiting[waiting.length - 1]!;
        waiting.pop();
        c -= 1;
      } else if (head > 1024 && head * 2 > items.length) {
        items.splice(0, head);
        head = 0;
      }
      channel.head = head;
    }
    if (this.lazyCount !== before) {
      this.releasePromise();
    }
  }

  // ---- stepping ---------------------------------------------------------------

  /** Runs the actor at `timeNs` (see the class comment); `timeNs` never decreases. */
  stepAt(timeNs: number): void {
    if (timeNs < this.steppedNs) throw new WorldError('WORLD_CAUSALITY', `${this.id} asked to step at ${timeNs} ns after ${this.steppedNs} ns`);
    this.promiseFresh = false;
    this.applyLazyUpTo(timeNs);
    this.nowNs = timeNs;
    this.steppedNs = timeNs;
    const actor = this.actor;
    actor.advanceTo(timeNs);
    for (let head = this.counted.peek(); head !== undefined && head.deliverNs === timeNs; head = this.counted.peek()) {
      this.counted.pop();
      this.inputAtNs = timeNs;
      this.releasePromise();
      actor.receive(head.message, timeNs);
    }
    let spins = 0;
    while (actor.nextWakeNs() <= timeNs) {
      if (++spins > MAX_STEPS_AT_ONE_INSTANT) throw new WorldError('WORLD_STALLED', `${this.id} keeps scheduling work at ${timeNs} ns`);
      actor.advanceTo(timeNs);
    }
    if (!this.promiseBinds || this.options.promiseEveryStep === true) this.readPromise();
  }

  /**
   * How many times an input released the actor from its promise. A runtime
   * that read `earliestOutputNs` when this count stood where it stands now
   * may keep what it read: the actor is still bound by it (only an answer
   * read later can be later).
   */
  get promiseReleases(): number {
    return this.releases;
  }

  /** An input reached the actor: what it promised before neither holds nor is what it would answer now. */
  private releasePromise(): void {
    this.promiseFresh = false;
    this.promiseBinds = false;
    this.releases += 1;
  }

  /**
   * Asks the actor for its promise (see the class comment). Promises given
   * with no input between them all bind: the latest of them holds.
   */
  private readPromise(): number {
    const answer = this.actor.nextOutputNs();
    this.promisedOutputNs = this.promiseBinds && this.promisedOutputNs > answer ? this.promisedOutputNs : answer;
    this.promiseFresh = true;
    this.promiseBinds = true;
    return this.promisedOutputNs;
  }

  /** Steps through every step time before `boundNs` (a services window); returns the steps taken. */
  runUntil(boundNs: number): number {
    let steps = 0;
    for (let next = this.nextStepNs(); next < boundNs; next = this.nextStepNs()) {
      this.stepAt(next);
      steps += 1;
    }
    return steps;
  }

  /**
   * The actor took an input outside a step (an operator's fault between two
   * windows of the services): its promise is read again. The runtime must
   * only allow changes that send nothing before the window it has not yet
   * opened (the new work is at or after the current window's bound).
   */
  changedOutsideStep(notBeforeNs: number): void {
    this.releasePromise();
    const promised = this.readPromise();
    if (promised < notBeforeNs) throw new WorldError('WORLD_LOOKAHEAD', `${this.id} took an input outside a step that may send at ${promised} ns, before ${notBeforeNs} ns`);
  }

  /** Lets the runtime stamp sends made outside a step (the actor's `finish` at the horizon). */
  setTime(timeNs: number): void {
    this.nowNs = timeNs;
    this.promisedOutputNs = 0;
    this.releasePromise();
  }
}

export interface ActorSlotOptions {
  /** Ask the actor for its lookahead promise after every step, not only where a window or an input needs it (tests). */
  promiseEveryStep?: boolean;
  /**
   * Apply page data (lazy messages) as it arrives, unless a counted message
   * or earlier page data of its channel is waiting: lazy messages change only
   * state a later counted message of their channel reads (see `Actor`), so
   * when they are applied is not seen. The in-process engine sets it (the
   * data is applied while still in the cache); where a runtime cannot know
   * that nothing is still on its way before it, it does not.
   */
  applyLazyOnArrival?: boolean;
}

function describe(message: unknown): string {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : 'a message';
}

interface LazyChannel<M> {
  items: Delivery<M>[];
  head: number;
  /** In the slot's list of channels with deliveries waiting. */
  waiting: boolean;
}

/** Appends in the usual case (a channel delivers in order); a late, earlier one is put in its place. */
function insertInOrder<M>(channel: LazyChannel<M>, delivery: Delivery<M>): void {
  const items = channel.items;
  let index = items.length;
  while (index > channel.head && deliversBefore(delivery, items[index - 1]!)) index -= 1;
  if (index === items.length) items.push(delivery);
  else items.splice(index, 0, delivery);
}
