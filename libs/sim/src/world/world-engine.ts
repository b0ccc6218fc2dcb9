import {
  ActorSlot,
  assembleVariantReport,
  CONTROLLER_ID,
  IndexedMinHeap,
  LAZY_FLUSH_NS,
  VariantWorld,
  WorldError,
  type ActorId,
  type ClusterMessage,
  type ClusterTestHooks,
  type ControllerActor,
  type Delivery,
  type HostActor,
  type HostFacts,
} from '@migsim/cluster';
import type { VariantReport } from '@migsim/report';
import type { Scenario, ScenarioVariant } from '@migsim/scenario';

export interface WorldRunStats {
  /** Actor steps taken (advance + receive at one instant). */
  steps: number;
  /** Windows run (see `run`). */
  windows: number;
  /** Messages sent, and how many of them were lazy page data. */
  messages: number;
  lazyMessages: number;
  /** Actors' output bounds read to end windows (see `refreshStale`): far fewer than steps. */
  boundReads: number;
}

export interface WorldRunOptions {
  hooks?: ClusterTestHooks;
  /**
   * Ask every actor for its lookahead promise after each of its steps and
   * check its sends against that, rather than against the promise it gave
   * where a window or an input needed one (what the services rely on): a
   * stricter check of the actors' answers, for tests; slower.
   */
  promiseEveryStep?: boolean;
  /**
   * Called with the run's progress in [0, 1], never decreasing: the fraction
   * of the horizon simulated so far or, once migrations were requested, mostly
   * the share of them that ended (a drain is most of a study's cost and often
   * ends long before the horizon).
   */
  onProgress?: (fraction: number) => void;
}

/**
 * The in-process engine: one variant's actors in one process, their
 * messages delivered in virtual time, window by window (see `run`). Each
 * actor is stepped through its `ActorSlot` — the same code the services
 * step their actors with — so both ways of running call every actor alike.
 * Idle time is skipped; the run ends at the horizon, where every actor
 * hands over its facts and the report is assembled from them.
 *
 * What it checks after every step: no message arrives before it was sent
 * plus its latency, none reaches an actor that has moved past it, and no
 * actor sends earlier than its lookahead promised (the promise it gave at
 * a window's end or after its last input, which the services' windows rely
 * on; see `ActorSlot`); the hosts run their own invariant checks after
 * each of their steps.
 */
export class WorldEngine {
  readonly world: VariantWorld;
  readonly stats: WorldRunStats = { steps: 0, windows: 0, messages: 0, lazyMessages: 0, boundReads: 0 };
  private readonly slots: ActorSlot<ClusterMessage>[] = [];
  private readonly due: IndexedMinHeap;
  private readonly controller: ControllerActor;
  private readonly hosts: HostActor[] = [];
  private readonly touched = new Set<number>();
  /** Actors whose output bound may have changed in the window (they stepped or a counted message reached their inbox). */
  private readonly stale = new Set<number>();
  /** Actors by their output bound (see `outputBoundOf`). */
  private readonly outputs: IndexedMinHeap;
  /** Per actor: its slot's `promiseReleases` when its bound was read, or -1 when it must be read again (a counted message came). */
  private readonly readAtRelease: Int32Array;
  /** Per actor: 1 when its bound in `outputs` still holds but a read now could raise it (see `earliestOutputNs`). */
  private readonly raisable: Uint8Array;
  /** Actors with page data waiting (see `flushLazy`). */
  private readonly lazyPending = new Set<number>();
  /** Each actor's slot index (its rank). */
  private readonly ranks = new Map<ActorId, number>();

  constructor(
    scenario: Scenario,
    variant: ScenarioVariant,
    seed: number,
    private readonly options: WorldRunOptions = {},
  ) {
    this.world = new VariantWorld(scenario, variant, seed, options.hooks);
    const sink = (delivery: Delivery<ClusterMessage>) => this.route(delivery);
    const slotOptions = { promiseEveryStep: options.promiseEveryStep, applyLazyOnArrival: true };
    const controllerSlot = new ActorSlot<ClusterMessage>(CONTROLLER_ID, 0, sink, slotOptions);
    this.controller = this.world.createController(controllerSlot);
    this.slots.push(controllerSlot.attach(this.controller));
    for (const host of variant.hosts) {
      const id: ActorId = this.world.actorIds[this.slots.length]!;
      const slot = new ActorSlot<ClusterMessage>(id, this.slots.length, sink, slotOptions);
      const actor = this.world.createHost(host.name, slot);
      this.hosts.push(actor);
      this.slots.push(slot.attach(actor));
    }
    this.due = new IndexedMinHeap(this.slots.length);
    this.outputs = new IndexedMinHeap(this.slots.length);
    this.readAtRelease = new Int32Array(this.slots.length).fill(-1);
    this.raisable = new Uint8Array(this.slots.length);
    for (let rank = 0; rank < this.slots.length; rank++) {
      this.ranks.set(this.slots[rank]!.id, rank);
      this.rekey(rank);
      this.stale.add(rank);
    }
  }

  /**
   * Runs the variant to its horizon and returns its part of the report.
   *
   * In windows, as the services run it (libs/runtime): a window ends at the
   * earliest time any actor may send a counted message plus the smallest
   * latency, so nothing one actor does inside it can reach another before
   * its end. Inside a window each actor due runs through all its steps in a
   * row (the one due first, first): a source host sends a migration's page
   * batches one after another while its state is still in the cache,
   * instead of taking turns with every other migration at each batch.
   */
  run(): VariantReport {
    const horizonNs = this.world.scenario.horizonNs;
    const lookaheadNs = this.world.lookaheadNs;
    const progressSpanNs = horizonNs / 256;
    const onProgress = this.options.onProgress;
    let lastFraction = -1;
    let flushNs = 0;
    let progressStep = 0;
    this.refreshStale();
    for (let first = this.due.peek(); first >= 0 && this.due.keyOf(first) <= horizonNs; first = this.due.peek()) {
      const startNs = this.due.keyOf(first);
      // With no counted message to come, only the progress span ends a window (1/256 of the horizon, so progress moves).
      const boundNs = Math.min(this.earliestOutputNs() + lookaheadNs, startNs + progressSpanNs);
      this.stats.windows += 1;
      if (startNs >= flushNs && this.lazyPending.size > 0) {
        this.flushLazy(startNs);
        flushNs = startNs + LAZY_FLUSH_NS;
      }
      for (let rank = first; rank >= 0; rank = this.due.peek()) {
        const slot = this.slots[rank]!;
        let timeNs = this.due.keyOf(rank);
        if (timeNs >= boundNs || timeNs > horizonNs) break;
        do {
          slot.stepAt(timeNs);
          this.stats.steps += 1;
          timeNs = slot.nextStepNs();
        } while (timeNs < boundNs && timeNs <= horizonNs);
        this.due.update(rank, timeNs);
        this.stale.add(rank);
        if (this.touched.size > 0) {
          for (const touched of this.touched) this.rekey(touched);
          this.touched.clear();
        }
      }
      this.refreshStale();
      if (onProgress !== undefined && this.stats.steps >= progressStep) {
        // Reading progress visits every migration record: every 16 records' worth of steps keeps it a small share of a step.
        progressStep = this.stats.steps + Math.max(1024, 16 * this.controller.records.size);
        const fraction = Math.floor(this.progressAt(Math.min(boundNs, horizonNs) / horizonNs) * 100) / 100;
        if (fraction > lastFraction) {
          lastFraction = fraction;
          onProgress(Math.min(1, fraction));
        }
      }
    }
    // Page data still on its way at the horizon lands where it was going (nothing reads it any more).
    for (const slot of this.slots) slot.applyLazyUpTo(horizonNs);
    const hosts: HostFacts[] = this.hosts.map((host) => host.finish(horizonNs));
    return assembleVariantReport({
      scenario: this.world.scenario,
      variant: this.world.variant,
      horizonNs,
      controller: this.controller.finish(),
      hosts,
    });
  }

  /** The earliest time the actor may send a counted message: not before its next step, nor a message it has yet to take. */
  private outputBoundOf(rank: number): number {
    const slot = this.slots[rank]!;
    return Math.max(slot.earliestOutputNs(), this.due.keyOf(rank));
  }

  /**
   * After a window: the bounds of the actors that stepped or got a counted
   * message. An actor that took no input since its bound was read is still
   * bound by it (see `ActorSlot`): its bound stays, marked raisable, and is
   * read again only if it comes to limit a window. Most actors step in a
   * window without input (a source sending page data), and most of them
   * never limit one.
   */
  private refreshStale(): void {
    for (const rank of this.stale) {
      if (this.readAtRelease[rank] === this.slots[rank]!.promiseReleases) this.raisable[rank] = 1;
      else this.readBound(rank);
    }
    this.stale.clear();
  }

  private readBound(rank: number): void {
    this.stats.boundReads += 1;
    this.outputs.update(rank, this.outputBoundOf(rank));
    this.readAtRelease[rank] = this.slots[rank]!.promiseReleases;
    this.raisable[rank] = 0;
  }

  /**
   * The earliest output bound over all actors, as if every raisable one were
   * read again: the least raisable one is read until the least is one just
   * read. (A read only raises a raisable bound, so every other actor's bound
   * is at least the one found.)
   */
  private earliestOutputNs(): number {
    for (let limiting = this.outputs.peek(); limiting >= 0; limiting = this.outputs.peek()) {
      if (this.raisable[limiting] === 0) return this.outputs.keyOf(limiting);
      this.readBound(limiting);
    }
    return Infinity;
  }

  /** 90 % by the migrations requested so far that ended, 10 % by simulated time (only time before any request). */
  private progressAt(timeFraction: number): number {
    let requested = 0;
    let ended = 0;
    for (const record of this.controller.records.values()) {
      requested += 1;
      if (record.outcome !== 'unfinished' && !record.queued && record.running === undefined) ended += 1;
    }
    if (requested === 0) return timeFraction;
    return Math.max(timeFraction, 0.9 * (ended / requested) + 0.1 * timeFraction);
  }

  /**
   * Applies the page data already delivered by `nowNs` to actors that have
   * not stepped since (a destination steps only at a migration's start and
   * switchover): every actor with work before `nowNs` has stepped, so this is
   * what their next step would apply first, and the batches are freed while
   * young instead of piling up for the length of a migration. Most page data
   * never waits here: the slots apply it on arrival unless a counted message
   * waits before it (`applyLazyOnArrival`).
   */
  private flushLazy(nowNs: number): void {
    for (const rank of this.lazyPending) {
      const slot = this.slots[rank]!;
      slot.applyLazyUpTo(nowNs);
      if (slot.pendingLazyCount === 0) this.lazyPending.delete(rank);
    }
  }

  private route(delivery: Delivery<ClusterMessage>): void {
    this.stats.messages += 1;
    const rank = this.ranks.get(delivery.to);
    if (rank === undefined) throw new WorldError('WORLD_UNKNOWN_ACTOR', `${delivery.from} sent ${delivery.message.kind} to unknown ${delivery.to}`);
    const slot = this.slots[rank]!;
    slot.deliver(delivery);
    if (delivery.lazy) {
      this.stats.lazyMessages += 1;
      if (slot.pendingLazyCount > 0) this.lazyPending.add(rank);
      return;
    }
    if (delivery.deliverNs < this.due.keyOf(rank)) this.touched.add(rank);
    this.stale.add(rank);
    // A counted message waiting bounds what the actor may send: read again.
    this.readAtRelease[rank] = -1;
  }

  /** Re-files a slot under its next step (lazy page data waits for it: it is applied before each step). */
  private rekey(rank: number): void {
    this.due.update(rank, this.slots[rank]!.nextStepNs());
  }
}
