import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexedMinHeap } from './indexed-heap';

describe('IndexedMinHeap', () => {
  it('always yields the item with the smallest (key, item), whatever the updates', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Infinity))), { maxLength: 200 }), (updates) => {
        const heap = new IndexedMinHeap(10);
        const keys = new Array<number>(10).fill(Infinity);
        for (const [item, key] of updates) {
          heap.update(item, key);
          keys[item] = key;
          let best = -1;
          for (let i = 0; i < 10; i++) if (Number.isFinite(keys[i]!) && (best < 0 || keys[i]! < keys[best]!)) best = i;
          expect(heap.peek()).toBe(best);
          if (best >= 0) expect(heap.keyOf(best)).toBe(keys[best]);
        }
      }),
    );
  });
});
