import { describe, expect, it } from 'vitest';
import { kernelProfile } from './kernel-profile';
import { PAGES_PER_2M } from './units';
import { VmMmu } from './vm-mmu';

const GIB = 2 ** 30;
const MIB = 2 ** 20;
const GUEST_GIB = 16;

/** Budgets scaled from the per-TiB targets: 160 MiB per TiB split and logged, 8 MiB per TiB all huge. */
const SPLIT_BYTES_MAX = (160 * MIB * GUEST_GIB) / 1024;
const HUGE_BYTES_MAX = (8 * MIB * GUEST_GIB) / 1024;

function vm(recovery: 'zap-rmap' | 'recover-in-place' = 'zap-rmap'): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile({ eagerSplit: true, recovery }), vcpus: 64 });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages: (GUEST_GIB * GIB) / 4096, hvaPage: 0 });
  mmu.populate();
  return mmu;
}

describe('model memory: bitmaps for 4K state, per-region bytes, tables only where split', () => {
  it('an all-huge guest holds at most 8 MiB of model state per TiB of guest memory', () => {
    expect(vm().modelBytes()).toBeLessThanOrEqual(HUGE_BYTES_MAX);
  });

  it('a fully split and logged guest holds at most 160 MiB of model state per TiB, dirty bitmap included', () => {
    const mmu = vm();
    mmu.setDirtyLogging(0, true);
    mmu.accessRange(0, (GUEST_GIB * GIB) / 4096, true);
    expect(mmu.coverage().bytes4k).toBe(GUEST_GIB * GIB);
    expect(mmu.modelBytes()).toBeLessThanOrEqual(SPLIT_BYTES_MAX);
  });

  it('tables freed by recovery give their memory back', () => {
    for (const recovery of ['zap-rmap', 'recover-in-place'] as const) {
      const mmu = vm(recovery);
      const huge = mmu.modelBytes();
      mmu.setDirtyLogging(0, true);
      expect(mmu.modelBytes()).toBeGreaterThan(huge * 10);
      mmu.setDirtyLogging(0, false);
      expect([recovery, mmu.modelBytes()]).toEqual([recovery, huge]);
    }
  });

  it('a split region costs one 4K table from a pool (3 x 64-byte bitmaps + counters), whatever the number of pages written', () => {
    const mmu = new VmMmu({ profile: kernelProfile({ hugeWriteUnderLogging: 'split-in-place' }), vcpus: 1 });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 64 * PAGES_PER_2M, hvaPage: 0 });
    mmu.populate();
    const huge = mmu.modelBytes();
    mmu.setDirtyLogging(0, true);
    const logged = mmu.modelBytes();
    // The dirty bitmap (a bit per page), its region summary (a bit per 2M region), one PML fill counter.
    expect(logged - huge).toBe((64 * PAGES_PER_2M) / 8 + 64 / 8 + 4);
    mmu.accessRange(0, 1, true);
    const tableBytes = 3 * 64 + 2 + 4;
    const poolBytes = mmu.modelBytes() - logged;
    expect(poolBytes % tableBytes).toBe(0);
    expect(poolBytes / tableBytes).toBeLessThanOrEqual(64);
    mmu.accessRange(0, 10 * PAGES_PER_2M, true);
    expect(mmu.coverage().bytes4k).toBe(10 * 2 ** 21);
    expect(mmu.modelBytes() - logged).toBe(poolBytes);
    mmu.setDirtyLogging(0, false);
    expect(mmu.modelBytes()).toBe(huge);
  });
});
