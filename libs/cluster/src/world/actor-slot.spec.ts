import { describe, expect, it } from 'vitest';
import type { Actor } from './actor';
import { ActorSlot } from './actor-slot';
import type { Delivery } from './delivery';

interface Note {
  kind: 'note';
  bound: number;
}

/** An actor whose lookahead is whatever the last message it took says, counting how often it is asked. */
class BoundActor implements Actor<Note> {
  asked = 0;
  bound = 1_000;
  wake = Infinity;
  constructor(readonly id: string) {}
  receive(message: Note): void {
    this.bound = message.bound;
  }
  applyLazy(message: Note): void {
    this.bound = message.bound;
  }
  advanceTo(): void {
    this.wake = Infinity;
  }
  nextWakeNs(): number {
    return this.wake;
  }
  nextOutputNs(): number {
    this.asked += 1;
    return this.bound;
  }
}

function delivery(deliverNs: number, bound: number, lazy: boolean): Delivery<Note> {
  return { from: 'host:b', fromRank: 1, to: 'host:a', seq: deliverNs, sentNs: deliverNs - 1, deliverNs, lazy, message: { kind: 'note', bound } };
}

describe('ActorSlot: the lookahead promise', () => {
  it('earliestOutputNs reuses the promise read at the end of a step until something reaches the actor', () => {
    const actor = new BoundActor('host:a');
    const slot = new ActorSlot<Note>('host:a', 0, () => undefined).attach(actor);
    // Before any step the actor is asked.
    expect(slot.earliestOutputNs()).toBe(1_000);
    expect(actor.asked).toBe(1);
    slot.deliver(delivery(10, 5_000, false));
    slot.stepAt(10);
    expect(actor.asked).toBe(2);
    expect([slot.earliestOutputNs(), slot.earliestOutputNs()]).toEqual([5_000, 5_000]);
    expect(actor.asked).toBe(2);
    // A counted message waiting bounds the promise without being taken.
    slot.deliver(delivery(20, 9_000, false));
    expect(slot.earliestOutputNs()).toBe(20);
    expect(actor.asked).toBe(2);
    slot.stepAt(20);
    expect(slot.earliestOutputNs()).toBe(9_000);
    // Page data applied between steps may change what the actor would say: it is asked again.
    slot.deliver(delivery(30, 7_000, true));
    slot.applyLazyUpTo(30);
    expect(slot.earliestOutputNs()).toBe(7_000);
    expect(actor.asked).toBe(4);
    // An input outside a step (an operator's fault) reads the promise again, and it holds from then on.
    actor.bound = 8_000;
    slot.changedOutsideStep(40);
    expect(slot.earliestOutputNs()).toBe(8_000);
    expect(actor.asked).toBe(5);
  });
});

/** An actor that sends a counted message to `host:b` at each time in `sendAt`, and answers `bound` when asked. */
class SendingActor implements Actor<Note> {
  asked = 0;
  bound = 100;
  wake = Infinity;
  readonly sendAt: number[] = [];
  outbound: ActorSlot<Note> | undefined;
  constructor(readonly id: string) {}
  receive(message: Note): void {
    this.bound = message.bound;
  }
  applyLazy(): void {}
  advanceTo(nowNs: number): void {
    if (this.sendAt[0] === nowNs) {
      this.sendAt.shift();
      this.outbound!.send('host:b', { kind: 'note', bound: 0 }, { latencyNs: 5 });
    }
    this.wake = this.sendAt[0] ?? Infinity;
  }
  nextWakeNs(): number {
    return this.wake;
  }
  nextOutputNs(): number {
    this.asked += 1;
    return this.bound;
  }
}

function sendingSlot(options: { promiseEveryStep?: boolean } = {}): { actor: SendingActor; slot: ActorSlot<Note>; sent: number[] } {
  const actor = new SendingActor('host:a');
  const sent: number[] = [];
  const slot = new ActorSlot<Note>('host:a', 0, (d) => sent.push(d.sentNs), options).attach(actor);
  actor.outbound = slot;
  return { actor, slot, sent };
}

describe('ActorSlot: which promise binds a send', () => {
  it('steps without input do not ask again: the promise read at the window end holds, and a send before it fails', () => {
    const { actor, slot, sent } = sendingSlot();
    actor.wake = 10;
    actor.sendAt.push(150);
    expect(slot.earliestOutputNs()).toBe(100);
    slot.stepAt(10);
    slot.stepAt(20);
    expect(actor.asked).toBe(1);
    // Between windows the actor is asked again; a promise it lowers without input does not free it from the one it gave.
    actor.bound = 40;
    expect(slot.earliestOutputNs()).toBe(100);
    expect(actor.asked).toBe(2);
    slot.stepAt(150);
    expect(sent).toEqual([150]);
    // An input releases it: the answer after the step that took it binds, and a send before that fails.
    slot.deliver(delivery(160, 300, false));
    slot.stepAt(160);
    expect(actor.asked).toBe(3);
    actor.sendAt.push(250);
    actor.wake = 250;
    expect(() => slot.stepAt(250)).toThrow(/before the 300 ns its nextOutputNs\(\) promised/);
  });

  it('page data releases the promise too: the actor is asked again after the step that applied it', () => {
    const { actor, slot } = sendingSlot();
    actor.wake = 10;
    slot.stepAt(10);
    expect(actor.asked).toBe(1);
    slot.deliver(delivery(15, 0, true));
    actor.wake = 20;
    slot.stepAt(20);
    expect(actor.asked).toBe(2);
    actor.wake = 30;
    slot.stepAt(30);
    expect(actor.asked).toBe(2);
  });

  it('promiseEveryStep asks after every step, and a later answer raises what binds: a send it allows the window promise also allows', () => {
    const { actor, slot } = sendingSlot({ promiseEveryStep: true });
    actor.bound = 50;
    actor.wake = 10;
    slot.stepAt(10);
    actor.bound = 200;
    actor.wake = 20;
    slot.stepAt(20);
    expect(actor.asked).toBe(2);
    actor.bound = 60;
    actor.wake = 30;
    slot.stepAt(30);
    expect(actor.asked).toBe(3);
    // 200 binds (no input since it was given), not the later 60.
    expect(slot.earliestOutputNs()).toBe(200);
    actor.sendAt.push(100);
    actor.wake = 100;
    expect(() => slot.stepAt(100)).toThrow(/before the 200 ns/);
  });
});

/** Records the page data applied to it, in order. */
class RecordingActor implements Actor<Note> {
  readonly applied: number[] = [];
  readonly received: number[] = [];
  constructor(readonly id: string) {}
  receive(message: Note): void {
    this.received.push(message.bound);
  }
  applyLazy(message: Note): void {
    this.applied.push(message.bound);
  }
  advanceTo(): void {}
  nextWakeNs(): number {
    return Infinity;
  }
  nextOutputNs(): number {
    return Infinity;
  }
}

describe('ActorSlot: page data applied on arrival', () => {
  it('applies at once what nothing waits before, and keeps the channel order behind a counted message', () => {
    const actor = new RecordingActor('host:a');
    const slot = new ActorSlot<Note>('host:a', 0, () => undefined, { applyLazyOnArrival: true }).attach(actor);
    slot.deliver(delivery(100, 1, true));
    expect(actor.applied).toEqual([1]);
    expect(slot.pendingLazyCount).toBe(0);
    // A counted message waiting (the data may be for what it sets up): what follows it waits too.
    slot.deliver(delivery(110, 2, false));
    slot.deliver(delivery(120, 3, true));
    expect(actor.applied).toEqual([1]);
    expect(slot.pendingLazyCount).toBe(1);
    slot.stepAt(110);
    expect(actor.received).toEqual([2]);
    // The counted message taken, the channel still holds page data: a newer one queues behind it.
    slot.deliver(delivery(130, 4, true));
    expect(actor.applied).toEqual([1]);
    slot.stepAt(130);
    expect(actor.applied).toEqual([1, 3, 4]);
    slot.deliver(delivery(140, 5, true));
    expect(actor.applied).toEqual([1, 3, 4, 5]);
  });

  it('without the option, page data waits for a step or an explicit apply', () => {
    const actor = new RecordingActor('host:a');
    const slot = new ActorSlot<Note>('host:a', 0, () => undefined).attach(actor);
    slot.deliver(delivery(100, 1, true));
    expect(actor.applied).toEqual([]);
    slot.applyLazyUpTo(100);
    expect(actor.applied).toEqual([1]);
  });
});
