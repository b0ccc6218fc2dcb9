import { GuestVm } from '@migsim/guest';
import { kernelProfile, VmMmu } from '@migsim/mmu';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { lazySourceVm } from './vm-model';

function guest(): GuestVm {
  const mmu = new VmMmu({ profile: kernelProfile(), vcpus: 2 });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages: 4096, hvaPage: 1 << 18 });
  mmu.populate();
  return new GuestVm({ mmu, workload: { vcpus: 2, memoryBytes: 16 * 2 ** 20, workingSetBytes: 16 * 2 ** 20, writeWorkingSetBytes: 8 * 2 ** 20, pattern: 'sequential', dirtyRateBytesPerSec: 4096 * 1000 }, rng: new Rng(1) });
}

describe('lazySourceVm', () => {
  it('runs the guest up to now before a bitmap sync, so the sync sees every write made since the last one', () => {
    const vm = guest();
    let caughtUpTo = 0;
    let nowNs = 0;
    const source = lazySourceVm(vm, () => {
      if (nowNs > caughtUpTo) vm.step(nowNs - caughtUpTo);
      caughtUpTo = nowNs;
    });
    source.mmu.setDirtyLogging(0, true);
    source.mmu.getDirtyLog(0);
    nowNs = 100_000_000; // 100 ms at 1000 pages/s: 100 pages written, not yet run
    const log = source.mmu.getDirtyLog(0);
    expect(caughtUpTo).toBe(100_000_000);
    expect(log.dirtyPageCount).toBe(100);
  });

  it('also runs the guest up to now before a sync straight into the migration bitmap', () => {
    const vm = guest();
    let caughtUpTo = 0;
    let nowNs = 0;
    const source = lazySourceVm(vm, () => {
      if (nowNs > caughtUpTo) vm.step(nowNs - caughtUpTo);
      caughtUpTo = nowNs;
    });
    source.mmu.setDirtyLogging(0, true);
    source.mmu.getDirtyLog(0);
    nowNs = 100_000_000;
    const target = new Uint32Array(4096 / 32);
    const log = source.mmu.getDirtyLogInto(0, target);
    expect(caughtUpTo).toBe(100_000_000);
    expect(log.newlyDirtyPageCount).toBe(100);
  });

  it('leaves every other MMU call alone', () => {
    const vm = guest();
    let calls = 0;
    const source = lazySourceVm(vm, () => {
      calls += 1;
    });
    expect(source.mmu.memslots()).toEqual(vm.mmu.memslots());
    expect(source.mmu.profile).toBe(vm.mmu.profile);
    expect(source.mmu.isDirtyLogging(0)).toBe(false);
    expect(calls).toBe(0);
    source.mmu.setDirtyLogging(0, true);
    expect(calls).toBe(1);
  });
});
