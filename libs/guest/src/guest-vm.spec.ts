import type { VmMmu } from '@migsim/mmu';
import { describe, expect, it } from 'vitest';
import { GuestError } from './errors';
import { GuestVm } from './guest-vm';
import { seededRandom } from './seeded-random';
import { guestTestbed } from './testing';
import { workloadSpec, type AccessPattern } from './workload-spec';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const MS = 1_000_000;
const PAGE = 4096;

function setBits(bitmap: Uint32Array): number[] {
  const out: number[] = [];
  for (let w = 0; w < bitmap.length; w++) {
    let word = bitmap[w];
    while (word !== 0) {
      const bit = 31 - Math.clz32(word & -word);
      out.push(w * 32 + bit);
      word &= word - 1;
    }
  }
  return out;
}

describe('guest VM: writes through the MMU', () => {
  it('uniform: a round of one write-set worth of writes dirties 63 % of the write working set, a long round all of it, nothing more', () => {
    const writeSetPages = 4096;
    const { mmu, guest, slotId } = guestTestbed({
      memoryBytes: 256 * MiB,
      workload: { writeWorkingSetBytes: writeSetPages * PAGE, dirtyRateBytesPerSec: writeSetPages * PAGE },
    });
    mmu.setDirtyLogging(slotId, true);
    mmu.getDirtyLog(slotId);
    for (let i = 0; i < 10; i++) guest.step(100 * MS); // 1 s: 4096 writes
    const round = mmu.getDirtyLog(slotId);
    const expected = writeSetPages * (1 - Math.pow(1 - 1 / writeSetPages, writeSetPages)); // 2,589
    expect(Math.abs(round.dirtyPageCount - expected) / expected).toBeLessThan(0.03);
    for (let i = 0; i < 200; i++) guest.step(100 * MS); // 20 s: 20 writes per page on average
    const long = mmu.getDirtyLog(slotId);
    expect(long.dirtyPageCount).toBe(writeSetPages);
    expect(Math.max(...setBits(long.bitmap))).toBe(writeSetPages - 1);
  });

  it('sequential: 1,000 pages/s dirties exactly 500 new pages per 0.5 s round, in order, and wraps at the end of the write set', () => {
    const { mmu, guest, slotId } = guestTestbed({
      memoryBytes: 64 * MiB,
      workload: { pattern: 'sequential', writeWorkingSetBytes: 1000 * PAGE, dirtyRateBytesPerSec: 1000 * PAGE },
    });
    mmu.setDirtyLogging(slotId, true);
    mmu.getDirtyLog(slotId);
    const round = () => {
      for (let i = 0; i < 5; i++) guest.step(100 * MS);
      return setBits(mmu.getDirtyLog(slotId).bitmap);
    };
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    expect(round()).toEqual(range(0, 500));
    expect(round()).toEqual(range(500, 1000));
    expect(round()).toEqual(range(0, 500));
  });

  for (const pattern of ['uniform', 'zipf', 'hot-cold', 'sequential'] as AccessPattern[]) {
    it(`${pattern}: the dirty log holds exactly the distinct pages reported to onWrite, all inside the write working set`, () => {
      const writeSetPages = 8192;
      const { mmu, guest, slotId } = guestTestbed({
        memoryBytes: 256 * MiB,
        workload: { pattern, writeWorkingSetBytes: writeSetPages * PAGE, dirtyRateBytesPerSec: 64 * MiB },
        seed: 11,
      });
      mmu.setDirtyLogging(slotId, true);
      mmu.getDirtyLog(slotId);
      const written = new Set<number>();
      let reported = 0;
      guest.onWrite((gfn, count) => {
        reported += count;
        for (let g = gfn; g < gfn + count; g++) written.add(g);
      });
      let pagesWritten = 0;
      for (let i = 0; i < 5; i++) pagesWritten += guest.step(100 * MS).pagesWritten;
      const dirty = setBits(mmu.getDirtyLog(slotId).bitmap);
      // Zipf steps this large report the pages each step hits, once each (zipf-blocks.ts); the others, every write.
      if (pattern === 'zipf') expect(reported).toBeLessThan(pagesWritten);
      else expect(reported).toBe(pagesWritten);
      expect(pagesWritten).toBe(8192); // 64 MiB/s x 0.5 s
      expect(dirty).toEqual([...written].sort((a, b) => a - b));
      expect(dirty[dirty.length - 1]).toBeLessThan(writeSetPages);
    });
  }

  it('the same RandomSource seed gives the same dirty pages; another seed gives different ones', () => {
    const dirtyPages = (seed: number) => {
      const { mmu, guest, slotId } = guestTestbed({ memoryBytes: 64 * MiB, workload: { pattern: 'zipf' }, seed });
      mmu.setDirtyLogging(slotId, true);
      mmu.getDirtyLog(slotId);
      for (let i = 0; i < 3; i++) guest.step(100 * MS);
      return setBits(mmu.getDirtyLog(slotId).bitmap);
    };
    expect(dirtyPages(3)).toEqual(dirtyPages(3));
    expect(dirtyPages(3)).not.toEqual(dirtyPages(4));
  });

  it('auto-converge throttle 50 % halves the pages written and the throughput; a paused guest writes nothing', () => {
    const { guest } = guestTestbed({ memoryBytes: 256 * MiB, workload: { dirtyRateBytesPerSec: 40 * MiB } });
    const full = guest.step(100 * MS);
    const throttled = guest.step(100 * MS, { throttle: 0.5 });
    expect(full.pagesWritten).toBe(1024);
    expect(throttled.pagesWritten).toBe(512);
    expect(throttled.relativeThroughput).toBeCloseTo(0.5, 9);
    const paused = guest.step(100 * MS, { paused: true });
    expect(paused.relativeThroughput).toBe(0);
    expect(paused.pagesWritten).toBe(0);
  });

  it('an mmu_lock stall of 30 ms in a 100 ms step costs 30 % of the throughput', () => {
    const { guest } = guestTestbed({ memoryBytes: 256 * MiB });
    expect(guest.step(100 * MS, { lockStallNs: 30 * MS }).relativeThroughput).toBeCloseTo(0.7, 9);
  });

  it('the baseline is the VM as its host backs it: a 4K-backed VM runs at 100 % of its own baseline', () => {
    const { guest } = guestTestbed({ memoryBytes: 1 * GiB, backing: '4k' });
    const sample = guest.step(100 * MS);
    expect(sample.coverage.bytes4k).toBe(1 * GiB);
    expect(sample.relativeThroughput).toBe(1);
    expect(guest.baselineThroughput()).toBe(4 * 10_000_000);
  });

  it('a 1G-backed guest split to 4K loses more than a 2M-backed one; zen3-epyc walks less at baseline (more 2M reach) so a split costs it a larger share', () => {
    const model = (backing: 'hugetlb-1g' | 'thp', tlb: string) => guestTestbed({ memoryBytes: 32 * GiB, backing, tlb }).guest.throughputModel;
    const all4k = { bytes4k: 32 * GiB, bytes2m: 0, bytes1g: 0, bytesUnmapped: 0 };
    expect(model('hugetlb-1g', 'skylake-server').tlbFactor(all4k)).toBeLessThan(model('thp', 'skylake-server').tlbFactor(all4k));
    const skylake = model('thp', 'skylake-server');
    const zen3 = model('thp', 'zen3-epyc');
    expect(zen3.baselineTranslationNs).toBeLessThan(skylake.baselineTranslationNs);
    expect(zen3.tlbFactor(all4k)).toBeLessThan(skylake.tlbFactor(all4k));
  });

  it('guest memory that no memslot covers is a typed error naming the first uncovered gfn', () => {
    const { mmu } = guestTestbed({ memoryBytes: 64 * MiB });
    const make = () =>
      new GuestVm({ mmu, workload: workloadSpec({ memoryBytes: 128 * MiB }), rng: seededRandom(1) });
    expect(make).toThrowError(GuestError);
    expect(make).toThrowError(/gfn 16384 is in none/);
  });

  it('a step costs MMU calls in proportion to the pages written, not to the memory size', () => {
    const callsPerStep = (memoryBytes: number) => {
      const { mmu } = guestTestbed({ memoryBytes, workload: { dirtyRateBytesPerSec: 4 * MiB } });
      let calls = 0;
      const counting = new Proxy(mmu, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as VmMmu;
      const guest = new GuestVm({ mmu: counting, workload: workloadSpec({ memoryBytes, dirtyRateBytesPerSec: 4 * MiB }), rng: seededRandom(1) });
      guest.step(100 * MS); // the first step may run a one-off pass
      calls = 0;
      guest.step(100 * MS);
      return calls;
    };
    const small = callsPerStep(256 * MiB);
    const large = callsPerStep(16 * GiB);
    expect(large).toBe(small);
    expect(large).toBeLessThan(102 + 10); // 102 page writes + a few coverage and counter reads
  });
});
