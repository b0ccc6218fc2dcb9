import { ActorSlot, hostActorId, hostOfActor, IndexedMinHeap, LAZY_FLUSH_NS, type ClusterMessage, type Delivery, type HostActor, type HostFacts, type HostLive } from '@migsim/cluster';
import type { RunWorlds } from './run-worlds';
import { COORDINATOR, packPageStreams, unpackPageStreams, type MailBag, type MailItem, type RunFactsV1, type WindowDoneV1, type WindowOpenV1 } from '@migsim/protocol';

interface LocalHost {
  variant: number;
  actor: HostActor;
  slot: ActorSlot<ClusterMessage>;
  /** Whether the live news last said the host is up (a live view takes a host it has no news of as up). */
  reportedUp: boolean;
  /** Its place in the shard's order (and in the heap of due hosts). */
  index: number;
  /** Its output bound, `max(earliestOutputNs(), nextStepNs())`, as of the end of the last window it stepped in or took a counted message. */
  outputNs: number;
}

/**
 * The hosts one shard serves in one run, stepped window by window. Pure and
 * deterministic: the same sequence of window-open messages gives the same
 * window-done messages, which is how a replacement process rebuilds a
 * shard from its journal.
 *
 * Within a window the shard is a small engine: it steps its hosts in time
 * order (the one with the earliest work first, as libs/sim does), and a
 * message between two of its hosts goes straight into the recipient's inbox,
 * to be taken at its delivery time, however far into the window that is.
 * It runs until the window's bound (the earliest time anything from outside
 * could reach it) or, once it sent a counted message out (to the
 * coordinator or another shard), until that message could have been
 * answered: its send time plus two of the smallest latency. Everything sent
 * out leaves in the window's done message, grouped by recipient, page data
 * packed by stream (libs/protocol `packPageStreams`). So a shard
 * synchronises at what it actually sends out, not at each time one of its
 * migrations might switch over.
 */
export class ShardRuntime {
  /** Per variant, the shard's hosts by actor id. */
  private readonly hosts: Map<string, LocalHost>[] = [];
  private readonly ordered: LocalHost[] = [];
  /** Hosts by their next step (the slot's `nextStepNs()`). */
  private readonly due: IndexedMinHeap;
  /** Hosts to re-file under their next step (they stepped or took a counted message). */
  private readonly touched = new Set<LocalHost>();
  /** Hosts whose output bound must be read again at the window's end (for the same reason, since the last end). */
  private readonly stale = new Set<LocalHost>();
  /** Hosts with page data waiting, and when it is next applied (`LAZY_FLUSH_NS`). */
  private readonly lazyPending = new Set<LocalHost>();
  private flushNs = 0;
  private outgoing = new Map<string, MailItem[]>();
  private sent = 0;
  /** Where the running window stops: its bound, or sooner once a counted message went out. */
  private limitNs = 0;
  /** Every step before this time is done. */
  private reachedNs = 0;
  /** The smallest latency there and back: the earliest answer to a message sent out. */
  private readonly roundTripNs: number;
  /** The last window run, and what it answered (a re-delivered open gets the same answer). */
  lastWindow = -1;
  lastDone: WindowDoneV1 | undefined;

  constructor(
    readonly run: string,
    readonly shard: string,
    readonly worlds: RunWorlds,
  ) {
    this.roundTripNs = 2 * worlds.lookaheadNs;
    const hostNames = new Set(worlds.hostsOf(shard));
    worlds.worlds.forEach((world, variant) => {
      for (const spec of world.variant.hosts) {
        if (!hostNames.has(spec.name)) continue;
        const id = hostActorId(spec.name);
        const slot = new ActorSlot<ClusterMessage>(id, world.rankOf(id), (delivery) => this.route(variant, delivery));
        const actor = world.createHost(spec.name, slot);
        slot.attach(actor);
        const local: LocalHost = { variant, actor, slot, reportedUp: true, index: this.ordered.length, outputNs: 0 };
        (this.hosts[variant] ??= new Map()).set(id, local);
        this.ordered.push(local);
        this.touched.add(local);
        this.stale.add(local);
      }
    });
    this.due = new IndexedMinHeap(this.ordered.length);
  }

  /** Runs one window; deterministic in the open message. */
  runWindow(open: WindowOpenV1): WindowDoneV1 {
    if (open.window <= this.lastWindow) {
      if (open.window === this.lastWindow && this.lastDone !== undefined) return this.lastDone;
      throw new Error(`shard ${this.shard} of run ${this.run}: window ${open.window} is older than ${this.lastWindow}`);
    }
    if (open.window !== this.lastWindow + 1) throw new Error(`shard ${this.shard} of run ${this.run}: window ${open.window} after ${this.lastWindow}`);
    const bound = open.final ? open.boundNs + 1 : open.boundNs;
    if (bound < this.reachedNs) throw new Error(`shard ${this.shard} of run ${this.run}: window ${open.window} ends at ${bound} ns, before the ${this.reachedNs} ns the shard reached`);
    this.limitNs = bound;
    for (const item of open.mail) this.deliverLocal(item.variant, item.delivery);
    // Page data waits in its channel's order whatever the order it is handed over in (see ActorSlot.deliver).
    for (const item of unpackPageStreams(open.streams)) this.deliverLocal(item.variant, item.delivery);
    this.rekeyTouched();
    let steps = 0;
    for (let index = this.due.peek(); index >= 0; index = this.due.peek()) {
      const timeNs = this.due.keyOf(index);
      if (timeNs >= this.limitNs) break;
      if (timeNs >= this.flushNs && this.lazyPending.size > 0) {
        this.flushLazy(timeNs);
        this.flushNs = timeNs + LAZY_FLUSH_NS;
      }
      const host = this.ordered[index]!;
      host.slot.stepAt(timeNs);
      steps += 1;
      this.due.update(index, host.slot.nextStepNs());
      this.stale.add(host);
      if (this.touched.size > 0) this.rekeyTouched();
    }
    this.reachedNs = this.limitNs;
    for (const host of this.stale) host.outputNs = Math.max(host.slot.earliestOutputNs(), this.due.keyOf(host.index));
    this.stale.clear();
    let earliest = Infinity;
    for (const host of this.ordered) if (host.outputNs < earliest) earliest = host.outputNs;
    const mail: MailBag[] = [...this.outgoing].map(([to, items]) => {
      const packed = packPageStreams(items);
      return packed.streams.length === 0 ? { to, items } : { to, items: packed.items, streams: packed.streams };
    });
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
      reachedNs: this.reachedNs,
      earliestOutputNs: finiteOrNull(earliest),
      steps,
      sent: this.sent,
      mail,
      live: [...live].map(([variant, hosts]) => ({ variant, hosts })),
    };
    this.outgoing = new Map();
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
    const local = this.hosts[variant]?.get(delivery.to);
    if (local !== undefined) {
      this.deliverTo(local, delivery);
      return;
    }
    const host = hostOfActor(delivery.to);
    const target = host === undefined ? COORDINATOR : this.worlds.shardOf(host);
    if (target === this.shard) throw new Error(`shard ${this.shard} has no host ${delivery.to} of variant ${variant}`);
    // Sent out: an answer may come back one round trip later, so the window stops there at the latest.
    if (!delivery.lazy) this.limitNs = Math.min(this.limitNs, delivery.sentNs + this.roundTripNs);
    let items = this.outgoing.get(target);
    if (items === undefined) {
      items = [];
      this.outgoing.set(target, items);
    }
    items.push({ variant, delivery });
  }

  private deliverLocal(variant: number, delivery: Delivery<ClusterMessage>): void {
    const local = this.hosts[variant]?.get(delivery.to);
    if (local === undefined) throw new Error(`shard ${this.shard} got mail for ${delivery.to} of variant ${variant}, which it does not serve`);
    this.deliverTo(local, delivery);
  }

  private deliverTo(local: LocalHost, delivery: Delivery<ClusterMessage>): void {
    local.slot.deliver(delivery);
    // Page data (lazy) changes neither when the host steps nor what it promises.
    if (delivery.lazy) this.lazyPending.add(local);
    else this.touched.add(local);
  }

  /** Applies the page data delivered by `nowNs` (every host with work before it has stepped, as in libs/sim's engine). */
  private flushLazy(nowNs: number): void {
    for (const host of this.lazyPending) {
      host.slot.applyLazyUpTo(nowNs);
      if (host.slot.pendingLazyCount === 0) this.lazyPending.delete(host);
    }
  }

  /** Re-files the hosts that stepped or took a counted message under their next step. */
  private rekeyTouched(): void {
    for (const host of this.touched) {
      this.due.update(host.index, host.slot.nextStepNs());
      this.stale.add(host);
    }
    this.touched.clear();
  }
}

export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
