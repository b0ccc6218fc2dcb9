import { describe, expect, it } from 'vitest';
import type { RandomSource } from './random-source';
import { seededRandom } from './seeded-random';
import { WriteStream } from './write-stream';
import { countingRandom } from './testing';
import { hitProbability } from './first-writes';
import { ZipfPageHits, ZipfRankBlocks } from './zipf-blocks';

/** Expected distinct ranks that `writes` writes hit: the sum of each rank's hit chance. */
function expectedHits(blocks: ZipfRankBlocks, writes: number): number {
  let sum = 0;
  for (let r = 0; r < blocks.ranks; r++) sum += hitProbability(writes, blocks.probability(r));
  return sum;
}

describe('zipf rank blocks', () => {
  it('cut the ranks so that a block\'s coldest rank has at least half its hottest\'s chance', () => {
    for (const exponent of [0.3, 0.99, 1, 2.5, 10]) {
      const blocks = new ZipfRankBlocks(100_000, exponent);
      expect(blocks.starts[0]).toBe(0);
      expect(blocks.starts[blocks.blocks]).toBe(100_000);
      for (let k = 0; k < blocks.blocks; k++) {
        const first = blocks.starts[k]!;
        const last = blocks.starts[k + 1]! - 1;
        expect(last).toBeGreaterThanOrEqual(first);
        expect(blocks.probability(last) * 2).toBeGreaterThanOrEqual(blocks.probability(first) * (1 - 1e-12));
      }
      expect(blocks.blocks).toBeLessThanOrEqual(Math.ceil(exponent * Math.log2(100_000)) + 20);
    }
  });

  it('a step hits each rank with probability 1 - (1 - q_r)^N, once', () => {
    const blocks = new ZipfRankBlocks(10_000, 0.99);
    const rng = seededRandom(3);
    const writes = 5_000;
    const steps = 500;
    const counts = new Uint32Array(blocks.ranks);
    const lastStep = new Int32Array(blocks.ranks).fill(-1);
    let repeats = 0;
    for (let step = 0; step < steps; step++) {
      blocks.emitHits(writes, rng, (rank, n) => {
        if (n !== 1 || lastStep[rank] === step) repeats++;
        lastStep[rank] = step;
        counts[rank]++;
      });
    }
    expect(repeats).toBe(0);
    for (const rank of [0, 9, 99, 999, 9_999]) {
      const p = hitProbability(writes, blocks.probability(rank));
      const sd = Math.sqrt(steps * p * (1 - p));
      expect(Math.abs(counts[rank]! - steps * p)).toBeLessThanOrEqual(4 * sd + 1);
    }
    const total = counts.reduce((a, b) => a + b, 0);
    const expected = steps * expectedHits(blocks, writes);
    expect(Math.abs(total - expected)).toBeLessThan(expected * 0.01);
  });

  it('a step costs draws in proportion to the ranks it hits, not to its writes', () => {
    const blocks = new ZipfRankBlocks(1 << 20, 1);
    for (const writes of [1e4, 1e6, 1e9]) {
      const rng = countingRandom(8);
      let hits = 0;
      blocks.emitHits(writes, rng, () => hits++);
      expect(Math.abs(hits - expectedHits(blocks, writes))).toBeLessThan(expectedHits(blocks, writes) * 0.02 + 10);
      expect(rng.draws).toBeLessThan(4 * hits + 2 * blocks.blocks);
    }
  });
});

describe('a saturated zipf step', () => {
  it('hits each page with its rank\'s probability, head (misses drawn) and tail (hits drawn) alike, as runs in page order', () => {
    const pages = 20_000;
    const stride = 521;
    const blocks = new ZipfRankBlocks(pages, 1);
    const hits = new ZipfPageHits(blocks, stride);
    const writes = 2 * pages; // the head (hit chance >= 1/2) is the hottest ~4,000 ranks
    const rng = countingRandom(6);
    const steps = 200;
    const counts = new Uint32Array(pages);
    let disordered = 0;
    for (let step = 0; step < steps; step++) {
      let end = 0;
      hits.emit(writes, rng, (first, n) => {
        if (first < end || n < 1) disordered++;
        end = first + n;
        for (let p = first; p < first + n; p++) counts[p]++;
      });
    }
    expect(disordered).toBe(0);
    for (const rank of [0, 99, 1_999, 3_999, 5_999, 19_999]) {
      const p = hitProbability(writes, blocks.probability(rank));
      const sd = Math.sqrt(steps * p * (1 - p));
      expect(Math.abs(counts[(rank * stride) % pages]! - steps * p)).toBeLessThanOrEqual(4 * sd + 1);
    }
    const total = counts.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - steps * expectedHits(blocks, writes))).toBeLessThan(steps * expectedHits(blocks, writes) * 0.01);
    expect(rng.draws / steps).toBeLessThan(pages);
  });
});

describe('first writes of a zipf write set', () => {
  const pages = 200_000;
  const stream = (rng: RandomSource) =>
    new WriteStream({ pattern: 'zipf', writeSetPages: pages, zipfExponent: 0.99, hotFraction: 0.1, hotAccessShare: 0.9, rng });

  it('a page comes out once per epoch, and as many pages are written as when every write is drawn', () => {
    const written = new Uint8Array(pages);
    let firstWrites = 0;
    const s = stream(seededRandom(11));
    for (let step = 0; step < 100; step++) {
      s.emitFirstWrites(10_000, 1, (page, n) => {
        for (let p = page; p < page + n; p++) {
          expect(written[p]).toBe(0);
          written[p] = 1;
          firstWrites++;
        }
      });
    }
    // A million writes, each drawn: the distinct pages they hit.
    const drawn = new Uint8Array(pages);
    let distinct = 0;
    const every = stream(seededRandom(12));
    for (let step = 0; step < 10_000; step++) {
      every.emit(100, (page) => {
        if (drawn[page] === 0) distinct++;
        drawn[page] = 1;
      });
    }
    const expected = expectedHits(new ZipfRankBlocks(pages, 0.99), 1_000_000);
    expect(Math.abs(firstWrites - expected)).toBeLessThan(expected * 0.01);
    expect(Math.abs(distinct - expected)).toBeLessThan(expected * 0.01);
    // The hottest pages were written; a new epoch makes every page writable for the first time again.
    expect(written[s.pageOfRank(1)]).toBe(1);
    let again = 0;
    s.emitFirstWrites(10_000, 2, () => again++);
    expect(again).toBeGreaterThan(1000);
  });

  it('its draws follow the pages written, whatever the rate: 10 GB/s and 100 TB/s cost about the same', () => {
    const drawsAt = (writesPerStep: number) => {
      const rng = countingRandom(4);
      const s = stream(rng);
      for (let step = 0; step < 300; step++) s.emitFirstWrites(writesPerStep, 1, () => undefined);
      return rng.draws;
    };
    const tenGBps = drawsAt(24_414); // 10 ms steps
    const hundredTBps = drawsAt(244_140_625);
    expect(tenGBps).toBeLessThan(pages * 5);
    expect(hundredTBps).toBeLessThan(pages * 5);
  });
});
