import { ActorSlot, hostActorId, hostOfActor, type ClusterMessage, type Delivery, type HostActor, type HostFacts, type HostLive } from '@migsim/cluster';
import type { RunWorlds } from './run-worlds';
import { COORDINATOR, type MailBag, type MailItem, type RunFactsV1, type WindowDoneV1, type WindowOpenV1 } from '@migsim/protocol';

interface LocalHost {
  variant: number;
  actor: HostActor;
  slot: ActorSlot<ClusterMessage>;
  /** Whether the live news last said the host is up (a live view takes a host it has no news of as up). */
  reportedUp: boolean;
}

/**
 * The hosts one shard serves in one run, stepped window by window. Pure and
 * deterministic: the same sequence of window-open messages gives the same
 * window-done messages, which is how a replacement process rebuilds a
 * shard from its journal. Messages between two hosts of the shard go
 * straight into the recipient's inbox; all others leave in the window's
 * done message, grouped by recipient.
 */
export class ShardRuntime {
  private readonly hosts = new Map<string, LocalHost>();
  private readonly ordered: LocalHost[] = [];
  private outgoing = new Map<string, MailItem[]>();
  private countedMinNs = Infinity;
  private sent = 0;
  /** The last window run, and what it answered (a re-delivered open gets the same answer). */
  lastWindow = -1;
  lastDone: WindowDoneV1 | undefined;

  constructor(
    readonly run: string,
    readonly shard: string,
    readonly worlds: RunWorlds,
  ) {
    const hostNames = new Set(worlds.hostsOf(shard));
    worlds.worlds.forEach((world, variant) => {
      for (const spec of world.variant.hosts) {
        if (!hostNames.has(spec.name)) continue;
        const id = hostActorId(spec.name);
        const slot = new ActorSlot<ClusterMessage>(id, world.rankOf(id), (delivery) => this.route(variant, delivery));
        const actor = world.createHost(spec.name, slot);
        slot.attach(actor);
        const local = { variant, actor, slot, reportedUp: true };
        this.hosts.set(key(variant, spec.name), local);
        this.ordered.push(local);
      }
    });
  }

  /** Runs one window; deterministic in the open message. */
  runWindow(open: WindowOpenV1): WindowDoneV1 {
    if (open.window <= this.lastWindow) {
      if (open.window === this.lastWindow && this.lastDone !== undefined) return this.lastDone;
      throw new Error(`shard ${this.shard} of run ${this.run}: window ${open.window} is older than ${this.lastWindow}`);
    }
    if (open.window !== this.lastWindow + 1) throw new Error(`shard ${this.shard} of run ${this.run}: window ${open.window} after ${this.lastWindow}`);
    for (const item of open.mail) this.deliverLocal(item.variant, item.delivery);
    const limit = open.final ? open.boundNs + 1 : open.boundNs;
    let steps = 0;
    for (const host of this.ordered) steps += host.slot.runUntil(limit);
    let earliest = Infinity;
    let nextStep = Infinity;
    for (const host of this.ordered) {
      const output = Math.max(host.slot.earliestOutputNs(), host.slot.nextStepNs());
      if (output < earliest) earliest = output;
      const step = host.slot.nextStepNs();
      if (step < nextStep) nextStep = step;
    }
    const mail: MailBag[] = [...this.outgoing].map(([to, items]) => ({ to, items }));
    const live = new Map<number, HostLive[]>();
    // Without a request for news, the hosts keep them (events and samples since their cursors) for a later window.
    for (const host of open.live === false ? [] : this.ordered) {
      const news = host.actor.drainLive();
      // Only hosts with something new: most of a large run's hosts have nothing to say in most windows.
      if (news.migrations.length === 0 && news.samples.length === 0 && news.events.length === 0 && news.up === host.reportedUp) continue;
      host.reportedUp = news.up;
      const list = live.get(host.variant) ?? [];
      list.push(news);
      live.set(host.variant, list);
    }
    const done: WindowDoneV1 = {
      v: 1,
      type: 'migsim.window-done',
      run: this.run,
      shard: this.shard,
      window: open.window,
      earliestOutputNs: finiteOrNull(earliest),
      countedMinNs: finiteOrNull(this.countedMinNs),
      nextStepNs: finiteOrNull(nextStep),
      steps,
      sent: this.sent,
      mail,
      live: [...live].map(([variant, hosts]) => ({ variant, hosts })),
    };
    this.outgoing = new Map();
    this.countedMinNs = Infinity;
    this.sent = 0;
    this.lastWindow = open.window;
    this.lastDone = done;
    return done;
  }

  /** At the horizon: the page data still on its way lands, and every host hands over its facts. */
  finish(): RunFactsV1 {
    const horizonNs = this.worlds.horizonNs;
    const byVariant = new Map<number, HostFacts[]>();
    for (const host of this.ordered) host.slot.applyLazyUpTo(horizonNs);
    for (const host of this.ordered) {
      const list = byVariant.get(host.variant) ?? [];
      list.push(host.actor.finish(horizonNs));
      byVariant.set(host.variant, list);
    }
    return {
      v: 1,
      type: 'migsim.run-facts',
      run: this.run,
      shard: this.shard,
      facts: [...byVariant].map(([variant, hosts]) => ({ variant, hosts })),
    };
  }

  private route(variant: number, delivery: Delivery<ClusterMessage>): void {
    this.sent += 1;
    if (!delivery.lazy && delivery.deliverNs < this.countedMinNs) this.countedMinNs = delivery.deliverNs;
    const host = hostOfActor(delivery.to);
    const target = host === undefined ? COORDINATOR : this.worlds.shardOf(host);
    if (target === this.shard) {
      this.deliverLocal(variant, delivery);
      return;
    }
    let items = this.outgoing.get(target);
    if (items === undefined) {
      items = [];
      this.outgoing.set(target, items);
    }
    items.push({ variant, delivery });
  }

  private deliverLocal(variant: number, delivery: Delivery<ClusterMessage>): void {
    const host = hostOfActor(delivery.to);
    const local = host === undefined ? undefined : this.hosts.get(key(variant, host));
    if (local === undefined) throw new Error(`shard ${this.shard} got mail for ${delivery.to} of variant ${variant}, which it does not serve`);
    local.slot.deliver(delivery);
  }
}

function key(variant: number, host: string): string {
  return `${variant}/${host}`;
}

export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
