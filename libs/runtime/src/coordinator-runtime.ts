import { ActorSlot, assembleVariantReport, CONTROLLER_ID, hostOfActor, type ClusterMessage, type ControllerActor, type Delivery, type FaultEntry, type HostFacts } from '@migsim/cluster';
import type { VariantReport } from '@migsim/report';
import type { RunWorlds } from './run-worlds';
import { finiteOrNull } from './shard-runtime';
import { COORDINATOR, type MailItem, type PageStreamV1, type RunFactsV1, type RunFinishV1, type WindowDoneV1, type WindowOpenV1 } from '@migsim/protocol';

/** The earliest delivery of a counted message among `items` (Infinity: none). */
function earliestCounted(items: readonly MailItem[] | undefined): number {
  let earliest = Infinity;
  for (const item of items ?? []) if (!item.delivery.lazy && item.delivery.deliverNs < earliest) earliest = item.delivery.deliverNs;
  return earliest;
}

/** What the coordinator asks its IO to send next. */
export type CoordinatorCommand = { kind: 'open'; messages: WindowOpenV1[] } | { kind: 'finish'; messages: RunFinishV1[] };

export interface WindowRecord {
  window: number;
  boundNs: number;
  final: boolean;
}

/**
 * The run's global clock (DESIGN.md section 2): it advances virtual time in
 * conservative windows. In each window every party — each shard, and the
 * variants' controllers, which run here — runs up to its own bound: the
 * earliest time anything from another party could reach it, that is the
 * earliest any other party may send a counted message (its lookahead
 * promise, or a counted message waiting for it) plus the smallest message
 * latency. A party stops sooner once it sent a counted message out, at the
 * time an answer could come back. So windows follow the messages the
 * parties actually exchange; a shard runs past the times its own migrations
 * might switch over, and only the other parties' promises hold it. The next
 * window opens once every shard reported the current one done — their mail,
 * forwarded with the next open, is then in every recipient's inbox.
 *
 * Pure and deterministic, like the shards: `begin` and the same done
 * messages give the same opens, so a restarted coordinator rebuilds itself
 * by feeding its journal of done messages through `onDone` again. Window 0
 * runs nothing (bound 0): it only collects every shard's first lookahead.
 */
export class CoordinatorRuntime {
  private readonly controllers: { actor: ControllerActor; slot: ActorSlot<ClusterMessage> }[] = [];
  private readonly shardIds: readonly string[];
  private window = -1;
  /** The furthest bound of the current window (pacing holds it back to wall time). */
  private boundNs = 0;
  /** Every party ran every step before this time. */
  private reachedAllNs = 0;
  private final = false;
  private readonly done = new Map<string, WindowDoneV1>();
  private readonly facts = new Map<string, RunFactsV1>();
  private outgoing = new Map<string, MailItem[]>();
  /** Page streams from shard to shard, forwarded packed as they came (nothing here reads page data). */
  private outgoingStreams = new Map<string, PageStreamV1[]>();
  private controllerMail: MailItem[] = [];
  /** Where the running controller stops: its bound, or sooner once it sent something. */
  private controllerLimitNs = 0;
  /** Every controller ran every step before this time. */
  private controllersReachedNs = 0;
  /** Per shard, the earliest delivery of a counted message the controllers sent it in their current run. */
  private readonly controllersCountedTo = new Map<string, number>();
  private readonly roundTripNs: number;
  /** Every window run so far (for the journal and the execution summary). */
  readonly history: WindowRecord[] = [];
  messages = 0;
  steps = 0;

  constructor(
    readonly run: string,
    readonly worlds: RunWorlds,
    /** The longest window allowed (pacing: a live view updates at least this often in virtual time). */
    private readonly maxWindowNs = Infinity,
  ) {
    this.shardIds = worlds.activeShards.map((shard) => shard.id);
    this.roundTripNs = 2 * worlds.lookaheadNs;
    worlds.worlds.forEach((world, variant) => {
      const slot = new ActorSlot<ClusterMessage>(CONTROLLER_ID, 0, (delivery) => this.route(variant, delivery));
      const actor = world.createController(slot);
      slot.attach(actor);
      this.controllers.push({ actor, slot });
    });
  }

  /** Each variant's controller, in scenario order. */
  get controllerActors(): readonly ControllerActor[] {
    return this.controllers.map((controller) => controller.actor);
  }

  get currentWindow(): number {
    return this.window;
  }

  get currentBoundNs(): number {
    return this.boundNs;
  }

  /** Virtual time every actor has run up to: the start of the current window for the party furthest behind. */
  get reachedNs(): number {
    return this.reachedAllNs;
  }

  /** The current window is the last one (every party runs to the horizon). */
  get inLastWindow(): boolean {
    return this.final;
  }

  /** Opens window 0 (nothing runs; every shard reports its first lookahead). */
  begin(): CoordinatorCommand {
    this.window = 0;
    this.history.push({ window: 0, boundNs: 0, final: false });
    return { kind: 'open', messages: this.shardIds.map((shard) => this.openMessage(shard, 0, false)) };
  }

  /** A shard finished a window. Returns the next command once every shard did (undefined until then). */
  onDone(done: WindowDoneV1): CoordinatorCommand | undefined {
    if (done.window !== this.window || this.done.has(done.shard) || !this.shardIds.includes(done.shard)) return undefined;
    // Page data goes from host to host only: the controllers take none.
    if (done.mail.some((bag) => bag.to === COORDINATOR && (bag.streams?.length ?? 0) > 0)) throw new Error(`shard ${done.shard} sent page data to the coordinator`);
    this.done.set(done.shard, done);
    for (const bag of done.mail) {
      if (bag.to === COORDINATOR) this.controllerMail.push(...bag.items);
      else this.mailTo(bag.to).push(...bag.items);
      if (bag.streams === undefined || bag.streams.length === 0) continue;
      const streams = this.outgoingStreams.get(bag.to);
      if (streams === undefined) this.outgoingStreams.set(bag.to, [...bag.streams]);
      else streams.push(...bag.streams);
    }
    if (this.done.size < this.shardIds.length) return undefined;
    if (this.final && this.everyPartyThrough()) return { kind: 'finish', messages: this.shardIds.map((shard) => ({ v: 1, type: 'migsim.run-finish', run: this.run, shard })) };
    return this.next();
  }

  /** Every party ran through the horizon (none stopped early for a message it sent). */
  private everyPartyThrough(): boolean {
    const horizon = this.worlds.horizonNs;
    if (this.controllersReachedNs <= horizon) return false;
    for (const done of this.done.values()) if (done.reachedNs <= horizon) return false;
    return true;
  }

  /**
   * Every shard's report of the last window is in: the controllers take
   * their mail and run to their bound, then each shard's bound is worked out
   * from everyone else's promise and the window opens.
   */
  private next(): CoordinatorCommand {
    const horizon = this.worlds.horizonNs;
    const lookahead = this.worlds.lookaheadNs;
    const cap = this.boundNs + this.maxWindowNs;
    // Each shard's promise, lowered by the counted mail on its way to it.
    const promise = new Map<string, number>();
    let reachedAll = Infinity;
    for (const [shard, done] of this.done) {
      promise.set(shard, Math.min(done.earliestOutputNs ?? Infinity, earliestCounted(this.outgoing.get(shard))));
      reachedAll = Math.min(reachedAll, done.reachedNs);
    }
    // The controllers: the shards' messages in, then a run to the earliest any shard could reach them.
    const mail = this.controllerMail;
    this.controllerMail = [];
    for (const item of mail) this.controllers[item.variant]!.slot.deliver(item.delivery);
    let shardsEarliest = Infinity;
    for (const value of promise.values()) shardsEarliest = Math.min(shardsEarliest, value);
    const controllerBound = Math.min(shardsEarliest + lookahead, cap);
    this.runControllers(controllerBound > horizon ? horizon + 1 : controllerBound);
    reachedAll = Math.min(reachedAll, this.controllersReachedNs);
    let controllersPromise = Infinity;
    for (const { slot } of this.controllers) controllersPromise = Math.min(controllersPromise, Math.max(slot.earliestOutputNs(), slot.nextStepNs()));
    // What the controllers just sent a shard may make it answer at once, to anyone.
    for (const [shard, deliverNs] of this.controllersCountedTo) if (deliverNs < promise.get(shard)!) promise.set(shard, deliverNs);
    // Each shard: the earliest promise of every other party, plus the smallest latency.
    const opens: WindowOpenV1[] = [];
    let final = this.controllersReachedNs > horizon;
    let furthest = final ? horizon : this.controllersReachedNs;
    for (const shard of this.shardIds) {
      let others = controllersPromise;
      for (const [other, value] of promise) if (other !== shard && value < others) others = value;
      const bound = Math.min(others + lookahead, cap);
      const through = !(bound <= horizon);
      final &&= through;
      furthest = Math.max(furthest, through ? horizon : bound);
      opens.push(this.openMessage(shard, through ? horizon : bound, through));
    }
    this.reachedAllNs = reachedAll;
    return this.open(opens, furthest, final);
  }

  /** Runs every controller to `boundNs`, or until one of its messages could have been answered. */
  private runControllers(boundNs: number): void {
    this.controllersCountedTo.clear();
    let reached = Infinity;
    for (const { slot } of this.controllers) {
      this.controllerLimitNs = boundNs;
      for (let next = slot.nextStepNs(); next < this.controllerLimitNs; next = slot.nextStepNs()) {
        slot.stepAt(next);
        this.steps += 1;
      }
      reached = Math.min(reached, this.controllerLimitNs);
    }
    this.controllersReachedNs = reached;
  }

  private open(opens: WindowOpenV1[], boundNs: number, final: boolean): CoordinatorCommand {
    this.window += 1;
    this.boundNs = boundNs;
    this.final = final;
    this.done.clear();
    this.history.push({ window: this.window, boundNs, final });
    const outgoing = this.outgoing;
    const streams = this.outgoingStreams;
    this.outgoing = new Map();
    this.outgoingStreams = new Map();
    return {
      kind: 'open',
      messages: opens.map((open) => {
        const withMail = { ...open, window: this.window, mail: outgoing.get(open.shard) ?? [] };
        const packed = streams.get(open.shard);
        return packed === undefined ? withMail : { ...withMail, streams: packed };
      }),
    };
  }

  /** The open of `shard` without its mail; `open` adds the mail and the window's number. */
  private openMessage(shard: string, boundNs: number, final: boolean): WindowOpenV1 {
    return { v: 1, type: 'migsim.window-open', run: this.run, shard, window: this.window, boundNs, final, mail: [] };
  }

  /**
   * An operator's fault (a scenario file's `faults:` entry without `at`),
   * into every variant's controller at the start of the next window (no
   * actor has run past it yet). Checked against every variant before any
   * takes it. Returns its time.
   *
   * @throws ScenarioError when the entry does not fit a variant.
   */
  inject(entry: FaultEntry): number {
    const atNs = this.boundNs;
    for (const { actor } of this.controllers) actor.normalizeInjection(entry, atNs);
    for (const { actor, slot } of this.controllers) {
      actor.inject(entry, atNs);
      slot.changedOutsideStep(atNs);
    }
    return atNs;
  }

  onFacts(message: RunFactsV1): VariantReport[] | undefined {
    if (!this.shardIds.includes(message.shard)) return undefined;
    this.facts.set(message.shard, message);
    if (this.facts.size < this.shardIds.length) return undefined;
    return this.report();
  }

  private report(): VariantReport[] {
    return this.worlds.worlds.map((world, variant) => {
      const byHost = new Map<string, HostFacts>();
      for (const message of this.facts.values()) {
        for (const entry of message.facts) if (entry.variant === variant) for (const host of entry.hosts) byHost.set(host.host, host);
      }
      return assembleVariantReport({
        scenario: world.scenario,
        variant: world.variant,
        horizonNs: world.scenario.horizonNs,
        controller: this.controllers[variant]!.actor.finish(),
        hosts: world.variant.hosts.map((host) => {
          const facts = byHost.get(host.name);
          if (facts === undefined) throw new Error(`no facts from host ${host.name} of variant ${world.variant.name}`);
          return facts;
        }),
      });
    });
  }

  private route(variant: number, delivery: Delivery<ClusterMessage>): void {
    this.messages += 1;
    const host = hostOfActor(delivery.to);
    if (host === undefined) throw new Error(`a controller sent ${delivery.message.kind} to ${delivery.to}`);
    const shard = this.worlds.shardOf(host);
    // Every message of a controller goes out: an answer may come back one round trip later.
    if (!delivery.lazy) {
      this.controllerLimitNs = Math.min(this.controllerLimitNs, delivery.sentNs + this.roundTripNs);
      if (delivery.deliverNs < (this.controllersCountedTo.get(shard) ?? Infinity)) this.controllersCountedTo.set(shard, delivery.deliverNs);
    }
    this.mailTo(shard).push({ variant, delivery });
  }

  private mailTo(shard: string): MailItem[] {
    let items = this.outgoing.get(shard);
    if (items === undefined) {
      items = [];
      this.outgoing.set(shard, items);
    }
    return items;
  }

  /** Messages counted over the run (the coordinator's and every shard's). */
  stats(): { windows: number; boundNs: number } {
    return { windows: this.window + 1, boundNs: finiteOrNull(this.boundNs) ?? 0 };
  }
}
