import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { versionsDigest } from './page-version';
import { RamLayout } from './ram-layout';
import { SourcePageState } from './source-page-state';

describe('source page state', () => {
  it('a guest write bumps the version of every page it covers, wrapping 255 to 1, whatever the run length and alignment', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ first: fc.integer({ min: 0, max: 299 }), count: fc.integer({ min: 1, max: 120 }), times: fc.integer({ min: 1, max: 300 }) }), { maxLength: 12 }), (writes) => {
        const pages = 300;
        const state = new SourcePageState(new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages: pages }] }), 0);
        const expected = new Array<number>(pages).fill(1);
        for (const write of writes) {
          const count = Math.min(write.count, pages - write.first);
          for (let t = 0; t < write.times; t++) state.recordWrite(write.first, count);
          for (let p = write.first; p < write.first + count; p++) for (let t = 0; t < write.times; t++) expected[p] = expected[p] === 255 ? 1 : expected[p]! + 1;
        }
        expect(Array.from(state.versionsSnapshot().subarray(0, pages))).toEqual(expected);
        // The padding up to the next 32-page word stays absent.
        expect(Array.from(state.versionsSnapshot().subarray(pages))).toEqual(new Array<number>(state.versions.length - pages).fill(0));
      }),
      { numRuns: 150 },
    );
  });

  it('the digest that skips the pages never written equals the digest that reads every page, with and without absent pages', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.record({ first: fc.nat(), count: fc.integer({ min: 1, max: 90 }), times: fc.integer({ min: 1, max: 260 }) }), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (pages, writes, absent) => {
          const state = new SourcePageState(new RamLayout({ slots: [{ id: 0, baseGfn: 0, npages: pages }] }), 0);
          for (const write of writes) {
            const first = write.first % pages;
            for (let t = 0; t < write.times; t++) state.recordWrite(first, Math.min(write.count, pages - first));
          }
          expect(state.digest()).toBe(versionsDigest(state.versionsSnapshot()));
          const mask = new Uint32Array(state.versions.length / 32);
          for (const page of absent) mask[(page % pages) >>> 5] = mask[(page % pages) >>> 5]! | (1 << (page % pages & 31));
          expect(state.digest(mask)).toBe(versionsDigest(state.versionsSnapshot(), mask));
        },
      ),
      { numRuns: 200 },
    );
  });
});
