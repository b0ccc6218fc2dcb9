import { describe, expect, it } from 'vitest';
import { FIRST_WRITES_MIN_WRITES, GuestVm } from './guest-vm';
import { FirstWritePart } from './first-writes';
import type { RandomSource } from './random-source';
import { seededRandom } from './seeded-random';
import { countingRandom, guestTestbed } from './testing';

const MiB = 2 ** 20;
const MS = 1_000_000;
const PAGE = 4096;

/** Emits `writes` writes per step for `steps` steps; returns how often each page came out. */
function run(part: FirstWritePart, writes: number, steps: number, rng: RandomSource): Uint32Array {
  const counts = new Uint32Array(part.pages);
  for (let step = 0; step < steps; step++) {
    part.emit(writes, rng, (first, n) => {
      for (let page = first; page < first + n; page++) counts[page - part.first]++;
    });
  }
  return counts;
}

describe('first writes of a uniformly written part', () => {
  const pages = 40_000;

  it('a page comes out at most once per epoch, with probability 1 - (1 - q)^N per step', () => {
    const part = new FirstWritePart(0, pages, 1 / pages);
    const rng = seededRandom(5);
    const first = run(part, 10_000, 1, rng);
    const expected = pages * -Math.expm1(10_000 * Math.log1p(-1 / pages)); // 8,848
    const once = first.reduce((sum, c) => sum + c, 0);
    expect(Math.abs(once - expected)).toBeLessThan(expected * 0.02);
    // Ten more steps: the pages left get their chance, the written ones never come out again.
    const later = run(part, 10_000, 10, rng);
    for (let page = 0; page < pages; page++) expect(first[page]! + later[page]!).toBeLessThanOrEqual(1);
    const unwrittenExpected = pages * Math.exp(11 * 10_000 * Math.log1p(-1 / pages)); // 2,557
    expect(Math.abs(part.unwrittenPages - unwrittenExpected)).toBeLessThan(unwrittenExpected * 0.06);
  });

  it('the work follows the pages: a billion writes per step draw a few numbers per page, then nothing', () => {
    const part = new FirstWritePart(100, pages, 1 / pages);
    const rng = countingRandom(9);
    const counts = run(part, 1e9, 1, rng);
    expect(counts.every((c) => c === 1)).toBe(true);
    expect(rng.draws).toBeLessThanOrEqual(1);
    const before = rng.draws;
    run(part, 1e9, 1000, rng);
    expect(rng.draws).toBe(before);
  });

  it('below an eighth unwritten, draws go over the list of unwritten pages: at most one per page written plus one per step', () => {
    const part = new FirstWritePart(0, pages, 1 / pages);
    const rng = countingRandom(2);
    run(part, 100_000, 1, rng); // 92 % written: the list takes over
    const left = part.unwrittenPages;
    expect(left * 8).toBeLessThan(pages);
    const before = rng.draws;
    const counts = run(part, 5_000, 20, rng);
    const newPages = counts.reduce((sum, c) => sum + c, 0);
    expect(newPages).toBe(left - part.unwrittenPages);
    expect(rng.draws - before).toBeLessThanOrEqual(newPages + 20);
    const expectedLeft = left * Math.exp(20 * 5_000 * Math.log1p(-1 / pages));
    expect(Math.abs(part.unwrittenPages - expectedLeft)).toBeLessThan(expectedLeft * 0.15);
  });

  it('reset makes every page unwritten again', () => {
    const part = new FirstWritePart(0, 1000, 1 / 1000);
    run(part, 1e6, 1, seededRandom(1));
    expect(part.unwrittenPages).toBe(0);
    part.reset();
    expect(part.unwrittenPages).toBe(1000);
    expect(run(part, 1e6, 1, seededRandom(1)).every((c) => c === 1)).toBe(true);
  });
});

describe('a guest whose writes nobody listens to', () => {
  /** 10 ms steps over a 256 MiB write set just out of dirty logging with recovery none: 4K SPTEs write-protected until written. */
  function afterLogging(rate: number, listen: boolean) {
    const rng = countingRandom(4);
    const bed = guestTestbed({
      memoryBytes: 512 * MiB,
      kernel: { recovery: 'none', eagerSplit: true, pml: false },
      workload: { pattern: 'hot-cold', writeWorkingSetBytes: 256 * MiB, dirtyRateBytesPerSec: rate },
    });
    // The testbed's MMU under a guest drawing from a counting source.
    const guest = new GuestVm({ mmu: bed.mmu, workload: bed.guest.workload, rng });
    bed.mmu.setDirtyLogging(bed.slotId, true);
    bed.mmu.setDirtyLogging(bed.slotId, false);
    let written = 0;
    if (listen) guest.onWrite((_gfn, count) => (written += count));
    const start = bed.mmu.counters().fastFaults;
    for (let step = 0; step < 300; step++) guest.step(10 * MS);
    return { fastFaults: bed.mmu.counters().fastFaults - start, draws: rng.draws, written };
  }

  it('takes one fast fault per page of the write set, as when every write is drawn (to within the pages still unwritten), and draws a number of times that does not grow with the rate', () => {
    const pages = (256 * MiB) / PAGE;
    const rate = 10e9; // 10 GB/s: 24,414 writes per 10 ms step
    expect((rate / PAGE) * 0.01).toBeGreaterThan(FIRST_WRITES_MIN_WRITES);
    const drawn = afterLogging(rate, true);
    const quiet = afterLogging(rate, false);
    const faster = afterLogging(rate * 10_000, false);
    // Cold pages get 12 writes each on average in 3 s: a few may still be unwritten in either model.
    for (const run of [drawn, quiet]) expect(run.fastFaults).toBeGreaterThan(pages - 8);
    expect(faster.fastFaults).toBe(pages);
    expect(drawn.draws).toBeGreaterThan(300 * 24_000);
    expect(quiet.draws).toBeLessThan(pages * 3);
    expect(faster.draws).toBeLessThan(pages * 3);
  });
});
