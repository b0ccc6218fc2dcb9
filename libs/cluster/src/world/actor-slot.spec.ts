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
