import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random';
import { WriteStream, ZIPF_HITS_MIN_WRITES, type WriteStreamOptions } from './write-stream';
import { ZipfSampler } from './zipf-sampler';

function stream(overrides: Partial<WriteStreamOptions> & Pick<WriteStreamOptions, 'pattern' | 'writeSetPages'>): WriteStream {
  return new WriteStream({ zipfExponent: 1, hotFraction: 0.1, hotAccessShare: 0.9, rng: seededRandom(7), ...overrides });
}

/**
 * Runs `writes` writes and returns the per-page write counts. The writes go
 * in steps small enough that each one is drawn on its own (a saturated step,
 * or a large zipf step, reports each page it hits once).
 */
function histogram(s: WriteStream, pages: number, writes: number): Uint32Array {
  const counts = new Uint32Array(pages);
  const perStep = Math.min(pages, ZIPF_HITS_MIN_WRITES) - 1;
  for (let left = writes; left > 0; left -= perStep) {
    s.emit(Math.min(left, perStep), (first, n) => {
      for (let p = first; p < first + n; p++) counts[p]++;
    });
  }
  return counts;
}

function distinct(counts: Uint32Array): number {
  let n = 0;
  for (const c of counts) if (c > 0) n++;
  return n;
}

describe('write stream', () => {
  it('uniform: distinct pages follow W(1 - (1 - 1/W)^N) and never exceed the write working set', () => {
    const pages = 20_000;
    const writes = 20_000;
    const counts = histogram(stream({ pattern: 'uniform', writeSetPages: pages }), pages, writes);
    const expected = pages * (1 - Math.pow(1 - 1 / pages, writes)); // 12,642 of 20,000
    expect(distinct(counts)).toBeGreaterThan(expected * 0.98);
    expect(distinct(counts)).toBeLessThan(expected * 1.02);
  });

  it('uniform: ten write-set sizes of writes dirty every page of the write working set, and nothing else', () => {
    const pages = 4096;
    const counts = histogram(stream({ pattern: 'uniform', writeSetPages: pages }), pages, pages * 10);
    expect(distinct(counts)).toBe(pages);
  });

  it('sequential: writes exactly the configured number of distinct pages, in order, then wraps', () => {
    const s = stream({ pattern: 'sequential', writeSetPages: 1000 });
    const runs: [number, number][] = [];
    const sink = (first: number, n: number) => runs.push([first, n]);
    s.emit(600, sink);
    s.emit(600, sink);
    expect(runs).toEqual([
      [0, 600],
      [600, 400],
      [0, 200],
    ]);
    expect(s.sweepPosition).toBe(200);
  });

  it('zipf: the hottest 1 % of pages take the share H(k)/H(n) of the writes (53 % for s = 1 over 10,000 pages)', () => {
    const pages = 10_000;
    const writes = 200_000;
    const counts = histogram(stream({ pattern: 'zipf', writeSetPages: pages }), pages, writes);
    const sorted = [...counts].sort((a, b) => b - a);
    const top = sorted.slice(0, pages / 100).reduce((a, b) => a + b, 0) / writes;
    const expected = ZipfSampler.shareOfTopRanks(pages / 100, pages, 1);
    expect(expected).toBeCloseTo(0.53, 2);
    expect(Math.abs(top - expected)).toBeLessThan(0.01);
  });

  it('zipf: a larger exponent concentrates writes further (s = 1.2: the top 1 % take 75 %)', () => {
    const pages = 10_000;
    const writes = 100_000;
    const counts = histogram(stream({ pattern: 'zipf', writeSetPages: pages, zipfExponent: 1.2 }), pages, writes);
    const sorted = [...counts].sort((a, b) => b - a);
    const top = sorted.slice(0, 100).reduce((a, b) => a + b, 0) / writes;
    expect(ZipfSampler.shareOfTopRanks(100, pages, 1.2)).toBeCloseTo(0.75, 2);
    expect(Math.abs(top - ZipfSampler.shareOfTopRanks(100, pages, 1.2))).toBeLessThan(0.01);
  });

  it('zipf: the 16 hottest pages sit in 16 different 2 MiB regions', () => {
    const s = stream({ pattern: 'zipf', writeSetPages: 1 << 20 });
    const regions = new Set(Array.from({ length: 16 }, (_, i) => Math.floor(s.pageOfRank(i + 1) / 512)));
    expect(regions.size).toBe(16);
  });

  it('hot-cold: 90 % of the writes land on the hottest 10 % of the write working set', () => {
    const pages = 10_000;
    const writes = 100_000;
    const s = stream({ pattern: 'hot-cold', writeSetPages: pages });
    const counts = histogram(s, pages, writes);
    expect(s.hotPages).toBe(1000);
    const hot = counts.slice(0, 1000).reduce((a, b) => a + b, 0) / writes;
    expect(Math.abs(hot - 0.9)).toBeLessThan(0.005);
    expect(distinct(counts.slice(0, 1000))).toBe(1000);
  });

  it('the same seed gives the same writes, another seed different ones', () => {
    const pagesOf = (seed: number) => {
      const out: number[] = [];
      new WriteStream({
        pattern: 'zipf',
        writeSetPages: 50_000,
        zipfExponent: 0.99,
        hotFraction: 0.1,
        hotAccessShare: 0.9,
        rng: seededRandom(seed),
      }).emit(1000, (p) => out.push(p));
      return out;
    };
    expect(pagesOf(42)).toEqual(pagesOf(42));
    expect(pagesOf(42)).not.toEqual(pagesOf(43));
  });
});
