import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageVersionTracker } from './page-version-tracker';

describe('PageVersionTracker', () => {
  it('a fresh destination is stale everywhere; receiving every page makes it equal', () => {
    const tracker = new PageVersionTracker(100);
    expect(tracker.stalePageCount()).toBe(100);
    tracker.destinationReceivedRange(0, 100);
    expect(tracker.stalePageCount()).toBe(0);
    expect(tracker.firstStalePage()).toBe(-1);
  });

  it('a write after the page was sent makes it stale again until it is resent', () => {
    const tracker = new PageVersionTracker(64);
    tracker.destinationReceivedRange(0, 64);
    tracker.sourceWrote(40, 3);
    expect(tracker.stalePageCount()).toBe(3);
    expect(tracker.firstStalePage()).toBe(40);
    const bitmap = new Uint32Array(2);
    bitmap[1] = 0b11100000_00000000; // pages 32 + 13..15 — not the written ones
    tracker.destinationReceivedBitmap(bitmap);
    expect(tracker.stalePageCount()).toBe(3);
    bitmap[1] = 0b111 << 8; // pages 40..42
    tracker.destinationReceivedBitmap(bitmap);
    expect(tracker.stalePageCount()).toBe(0);
  });

  it('matches a per-page version model under any sequence of writes and receives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ write: fc.boolean(), first: fc.integer({ min: 0, max: 99 }), count: fc.integer({ min: 1, max: 40 }) }), { maxLength: 50 }),
        (ops) => {
          const pages = 100;
          const tracker = new PageVersionTracker(pages);
          const sourceVersion = new Array(pages).fill(1);
          const destinationVersion = new Array(pages).fill(0);
          for (const op of ops) {
            const end = Math.min(pages, op.first + op.count);
            for (let p = op.first; p < end; p += 1) {
              if (op.write) sourceVersion[p] += 1;
              else destinationVersion[p] = sourceVersion[p];
            }
            if (op.write) tracker.sourceWrote(op.first, op.count);
            else tracker.destinationReceivedRange(op.first, op.count);
          }
          const expected = sourceVersion.filter((v, p) => v !== destinationVersion[p]).length;
          expect(tracker.stalePageCount()).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('long ranges spanning many whole words match the per-page model too, first stale page included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ write: fc.boolean(), first: fc.integer({ min: 0, max: 999 }), count: fc.integer({ min: 1, max: 400 }) }), { maxLength: 30 }),
        (ops) => {
          const pages = 1000;
          const tracker = new PageVersionTracker(pages);
          const stale = new Array<boolean>(pages).fill(true);
          for (const op of ops) {
            const end = Math.min(pages, op.first + op.count);
            for (let p = op.first; p < end; p += 1) stale[p] = op.write;
            if (op.write) tracker.sourceWrote(op.first, op.count);
            else tracker.destinationReceivedRange(op.first, op.count);
          }
          expect(tracker.stalePageCount()).toBe(stale.filter(Boolean).length);
          expect(tracker.firstStalePage()).toBe(stale.indexOf(true));
        },
      ),
      { numRuns: 200 },
    );
  });
});
