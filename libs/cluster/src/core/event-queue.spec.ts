import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue';

describe('EventQueue', () => {
  it('pops earliest first and breaks ties by insertion order', () => {
    const queue = new EventQueue<string>();
    queue.push(30, 'c');
    queue.push(10, 'a1');
    queue.push(20, 'b');
    queue.push(10, 'a2');
    queue.push(10, 'a3');
    const order: string[] = [];
    for (let event = queue.pop(); event !== undefined; event = queue.pop()) order.push(event.payload);
    expect(order).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
  });

  it('a cancelled event never pops, and size counts only live events', () => {
    const queue = new EventQueue<string>();
    const first = queue.push(5, 'cancelled');
    queue.push(6, 'kept');
    expect(queue.cancel(first)).toBe(true);
    expect(queue.cancel(first)).toBe(false);
    expect(queue.size).toBe(1);
    expect(queue.peekTimeNs()).toBe(6);
    expect(queue.pop()?.payload).toBe('kept');
    expect(queue.pop()).toBeUndefined();
  });

  it('popUntil returns exactly the events due by then, in order', () => {
    const queue = new EventQueue<number>();
    [50, 10, 40, 10, 70].forEach((t, i) => queue.push(t, i));
    expect(queue.popUntil(40).map((e) => e.payload)).toEqual([1, 3, 2]);
    expect(queue.size).toBe(2);
  });

  it('any push order pops sorted by (time, insertion)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const queue = new EventQueue<number>();
        times.forEach((t, i) => queue.push(t, i));
        const popped: number[] = [];
        for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e.payload);
        const expected = times.map((t, i) => ({ t, i })).sort((x, y) => x.t - y.t || x.i - y.i).map((x) => x.i);
        expect(popped).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
