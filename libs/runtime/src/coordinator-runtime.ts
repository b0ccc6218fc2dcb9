import { ActorSlot, assembleVariantReport, CONTROLLER_ID, hostOfActor, type ClusterMessage, type ControllerActor, type Delivery, type FaultEntry, type HostFacts } from '@migsim/cluster';
import type { VariantReport } from '@migsim/report';
import type { RunWorlds } from './run-worlds';
import { finiteOrNull } from './shard-runtime';
import { COORDINATOR, type MailItem, type RunFactsV1, type RunFinishV1, type WindowDoneV1, type WindowOpenV1 } from '@migsim/protocol';

/** What the coordinator asks its IO to send next. */
export type CoordinatorCommand = { kind: 'open'; messages: WindowOpenV1[] } | { kind: 'finish'; messages: RunFinishV1[] };

export interface WindowRecord {
  window: number;
  boundNs: number;
  final: boolean;
}

/**
 * The run's global clock (DESIGN.md section 2): it advances virtual time in
 * conservative windows, YAWNS-style. Window k runs every actor's steps before
 * its bound B_k; the next bound is the earliest time any actor may send a
 * counted message (its lookahead promise, or a counted message waiting in
 * its inbox) plus the smallest message latency, so nothing sent in a window
 * can arrive inside it. The next window opens once every shard reported the
 * current one done — their mail, forwarded with the next open, is then in
 * every recipient's inbox. The controllers of the run's variants run here,
 * window by window like the shards' hosts.
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
  private boundNs = 0;
  private previousBoundNs = 0;
  private final = false;
  private readonly done = new Map<string, WindowDoneV1>();
  private readonly facts = new Map<string, RunFactsV1>();
  private outgoing = new Map<string, MailItem[]>();
  private controllerMail: MailItem[] = [];
  private countedMinNs = Infinity;
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

  /** Virtual time every actor has run up to: the start of the current window. */
  get reachedNs(): number {
    return this.previousBoundNs;
  }

  /** The current window is the last one (it runs to the horizon). */
  get inLastWindow(): boolean {
    return this.final;
  }

  get finished(): boolean {
    return this.final && this.done.size === this.shardIds.length;
  }

  /** Opens window 0 (nothing runs; every shard reports its first lookahead). */
  begin(): CoordinatorCommand {
    return this.open(0, false, []);
  }

  /** A shard finished a window. Returns the next command once every shard did (undefined until then). */
  onDone(done: WindowDoneV1): CoordinatorCommand | undefined {
    if (done.window !== this.window || this.done.has(done.shard) || !this.shardIds.includes(done.shard)) return undefined;
    this.done.set(done.shard, done);
    for (const bag of done.mail) {
      if (bag.to === COORDINATOR) this.controllerMail.push(...bag.items);
      else this.mailTo(bag.to).push(...bag.items);
    }
    if (this.done.size < this.shardIds.length) return undefined;
    if (this.final) return { kind: 'finish', messages: this.shardIds.map((shard) => ({ v: 1, type: 'migsim.run-finish', run: this.run, shard })) };
    return this.next();
  }

  /** Every shard's report of the last window is in: compute the next bound and open it. */
  private next(): CoordinatorCommand {
    let earliest = this.countedMinNs;
    for (const done of this.done.values()) {
      if (done.earliestOutputNs !== null && done.earliestOutputNs < earliest) earliest = done.earliestOutputNs;
      if (done.countedMinNs !== null && done.countedMinNs < earliest) earliest = done.countedMinNs;
    }
    for (const { slot } of this.controllers) earliest = Math.min(earliest, Math.max(slot.earliestOutputNs(), slot.nextStepNs()));
    const horizon = this.worlds.horizonNs;
    const safe = earliest + this.worlds.lookaheadNs;
    const bound = Math.min(safe, this.boundNs + this.maxWindowNs);
    const mail = this.controllerMail;
    this.controllerMail = [];
    if (!(bound <= horizon)) return this.open(horizon, true, mail);
    return this.open(bound, false, mail);
  }

  private open(boundNs: number, final: boolean, controllerMail: MailItem[]): CoordinatorCommand {
    this.window += 1;
    this.previousBoundNs = this.boundNs;
    this.boundNs = boundNs;
    this.final = final;
    this.done.clear();
    this.countedMinNs = Infinity;
    this.history.push({ window: this.window, boundNs, final });
    for (const item of controllerMail) this.controllers[item.variant]!.slot.deliver(item.delivery);
    const limit = final ? boundNs + 1 : boundNs;
    for (const { slot } of this.controllers) this.steps += slot.runUntil(limit);
    const outgoing = this.outgoing;
    this.outgoing = new Map();
    return {
      kind: 'open',
      messages: this.shardIds.map((shard) => ({
        v: 1,
        type: 'migsim.window-open',
        run: this.run,
        shard,
        window: this.window,
        boundNs,
        final,
        mail: outgoing.get(shard) ?? [],
      })),
    };
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
    if (!delivery.lazy && delivery.deliverNs < this.countedMinNs) this.countedMinNs = delivery.deliverNs;
    const host = hostOfActor(delivery.to);
    if (host === undefined) throw new Error(`a controller sent ${delivery.message.kind} to ${delivery.to}`);
    this.mailTo(this.worlds.shardOf(host)).push({ variant, delivery });
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
