import { describe, expect, it } from 'vitest';
import { generalizedHarmonic } from './saturated-writes';
import { seededRandom } from './seeded-random';
import { countingRandom } from './testing';
import { WriteStream, type WriteStreamOptions } from './write-stream';

interface Step {
  /** Times each page was reported in the step. */
  counts: Uint32Array;
  sinkCalls: number;
  draws: number;
}

function step(options: Pick<WriteStreamOptions, 'pattern' | 'writeSetPages'> & Partial<WriteStreamOptions>, writes: number, seed = 3): Step {
  const rng = countingRandom(seed);
  const stream = new WriteStream({ zipfExponent: 1, hotFraction: 0.1, hotAccessShare: 0.9, rng, ...options });
  const counts = new Uint32Array(options.writeSetPages);
  let sinkCalls = 0;
  stream.emit(writes, (first, n) => {
    sinkCalls += 1;
    for (let p = first; p < first + n; p++) counts[p]++;
  });
  return { counts, sinkCalls, draws: rng.draws };
}

function distinct(counts: Uint32Array): number {
  let n = 0;
  for (const c of counts) if (c > 0) n++;
  return n;
}

function maxCount(counts: Uint32Array): number {
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  return max;
}

describe('saturated write steps: each distinct page once, work bounded by the write set', () => {
  const pages = 20_000;

  it('uniform: 2W writes hit W(1 - (1 - 1/W)^2W) distinct pages (86 %), each reported once, with fewer than W draws', () => {
    const writes = 2 * pages;
    const result = step({ pattern: 'uniform', writeSetPages: pages }, writes);
    const expected = pages * (1 - Math.pow(1 - 1 / pages, writes)); // 17,293
    expect(Math.abs(distinct(result.counts) - expected)).toBeLessThan(expected * 0.01);
    expect(maxCount(result.counts)).toBe(1);
    expect(result.draws).toBeLessThan(pages * 0.2);
  });

  it('uniform: 10^15 writes (a 100 TB/s writer for 4 s on 80 MiB) dirty every page once, with a handful of draws', () => {
    const result = step({ pattern: 'uniform', writeSetPages: pages }, 1e15);
    expect(distinct(result.counts)).toBe(pages);
    expect(maxCount(result.counts)).toBe(1);
    expect(result.sinkCalls).toBe(1);
    expect(result.draws).toBeLessThanOrEqual(1);
  });

  it('sequential: a step of many sweeps writes each page once and leaves the sweep where the writes take it', () => {
    const stream = new WriteStream({ pattern: 'sequential', writeSetPages: 1000, zipfExponent: 1, hotFraction: 0.1, hotAccessShare: 0.9, rng: seededRandom(1) });
    const runs: [number, number][] = [];
    stream.emit(300, (first, n) => runs.push([first, n]));
    stream.emit(1e12 + 450, (first, n) => runs.push([first, n]));
    expect(runs).toEqual([
      [0, 300],
      [300, 700],
      [0, 300],
    ]);
    expect(stream.sweepPosition).toBe(750);
  });

  it('zipf: hot ranks are always hit, distinct pages match the sum of 1 - (1 - q_r)^N, and pages come out as runs', () => {
    const writes = 3 * pages;
    const result = step({ pattern: 'zipf', writeSetPages: pages }, writes);
    const harmonic = generalizedHarmonic(pages, 1);
    let expected = 0;
    for (let rank = 1; rank <= pages; rank++) expected += -Math.expm1(writes * Math.log1p(-1 / rank / harmonic));
    expect(Math.abs(distinct(result.counts) - expected)).toBeLessThan(expected * 0.02);
    expect(maxCount(result.counts)).toBe(1);
    const stream = new WriteStream({ pattern: 'zipf', writeSetPages: pages, zipfExponent: 1, hotFraction: 0.1, hotAccessShare: 0.9, rng: seededRandom(1) });
    for (let rank = 1; rank <= 100; rank++) expect(result.counts[stream.pageOfRank(rank)]).toBe(1);
    expect(result.draws).toBeLessThanOrEqual(pages);
    expect(result.sinkCalls).toBeLessThan(distinct(result.counts));
  });

  it('zipf: so many writes that no page can be missed emit the whole write set as one run, with no draw', () => {
    const result = step({ pattern: 'zipf', writeSetPages: pages }, 1e15);
    expect(result).toMatchObject({ sinkCalls: 1, draws: 0 });
    expect(distinct(result.counts)).toBe(pages);
  });

  it('hot-cold: the hot part saturates at once, the cold part gets its share of the writes', () => {
    const writes = 2 * pages;
    const result = step({ pattern: 'hot-cold', writeSetPages: pages }, writes);
    const hotPages = pages / 10;
    expect(distinct(result.counts.slice(0, hotPages))).toBe(hotPages);
    const coldWrites = writes * 0.1;
    const coldPages = pages - hotPages;
    const expectedCold = coldPages * (1 - Math.pow(1 - 1 / coldPages, coldWrites));
    expect(Math.abs(distinct(result.counts.slice(hotPages)) - expectedCold)).toBeLessThan(expectedCold * 0.03);
    expect(maxCount(result.counts)).toBe(1);
  });

  it('a step below saturation still draws every write (repeats are write hits)', () => {
    const result = step({ pattern: 'uniform', writeSetPages: pages }, pages - 1);
    expect(result.draws).toBe(pages - 1);
    expect(result.sinkCalls).toBe(pages - 1);
  });
});

describe('helpers', () => {
  it('generalizedHarmonic matches the exact sum to 1e-10 relative', () => {
    for (const [n, s] of [
      [1, 1],
      [999, 1],
      [50_000, 1],
      [123_457, 0.7],
      [80_000, 1.3],
    ] as const) {
      let exact = 0;
      for (let k = n; k >= 1; k--) exact += Math.pow(k, -s);
      expect(Math.abs(generalizedHarmonic(n, s) - exact) / exact).toBeLessThan(1e-10);
    }
  });
});
