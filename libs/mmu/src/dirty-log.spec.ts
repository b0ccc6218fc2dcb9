import { describe, expect, it } from 'vitest';
import { kernelProfile, type KernelProfile } from './kernel-profile';
import { PAGES_PER_2M } from './units';
import { VmMmu } from './vm-mmu';

function vm(profile: Partial<KernelProfile>, npages = 4 * PAGES_PER_2M, baseGfn = 0): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile(profile), vcpus: 2 });
  mmu.addMemslot({ id: 0, baseGfn, npages, hvaPage: baseGfn });
  mmu.populate();
  return mmu;
}

describe('dirty logging (kvm_mmu_slot_apply_flags, KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG)', () => {
  it('enable with PML: 4K leaves lose their D bit but stay writable, huge leaves are write-protected, one TLB flush', () => {
    const mmu = vm({ pml: true });
    mmu.setBacking({ hvaPage: 0, npages: PAGES_PER_2M, backing: '4k' });
    mmu.populate();
    const report = mmu.setDirtyLogging(0, true);
    expect(report.tlbFlushes).toBe(1);
    expect([mmu.spteInfo(0).writable, mmu.spteInfo(PAGES_PER_2M).writable]).toEqual([true, false]);
    expect(mmu.accessRange(0, 10, true).pmlFullExits + mmu.accessRange(0, 10, true).fastFaults).toBe(0);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(10);
  });

  it("a disabled slot's bitmap goes back to the pool and the next VM's log starts clean", () => {
    // 2 GiB: a 64 KiB bitmap (16 words per 2M region), large enough for the pool.
    const pages = 1024 * PAGES_PER_2M;
    const first = vm({ pml: true }, pages);
    first.setDirtyLogging(0, true);
    first.accessRange(0, pages, true);
    first.setDirtyLogging(0, false);
    const second = vm({ pml: true }, pages);
    second.setDirtyLogging(0, true);
    second.accessRange(5, 3, true);
    const log = second.getDirtyLog(0);
    expect(log.dirtyPageCount).toBe(3);
    expect(log.bitmap[0]).toBe(0b111 << 5);
    expect(log.bitmap.reduce((sum, word) => sum + (word === 0 ? 0 : 1), 0)).toBe(1);
  });

  it('enable without PML write-protects every leaf', () => {
    const mmu = vm({ pml: false, eagerSplit: true });
    mmu.setDirtyLogging(0, true);
    expect(mmu.spteInfo(0).writable).toBe(false);
    expect(mmu.accessRange(0, 10, true).fastFaults).toBe(10);
  });

  it('enable with eager split splits the whole slot to 4K first, children inheriting write access', () => {
    const mmu = vm({ eagerSplit: true, pml: true });
    const report = mmu.setDirtyLogging(0, true);
    expect(report.splits).toBe(4);
    expect(mmu.coverage().bytes4k).toBe(4 * 2 ** 21);
    expect(mmu.spteInfo(5).writable).toBe(true);
  });

  it('initially-set: the bitmap starts all ones and nothing is protected or flushed at enable', () => {
    const mmu = vm({ initiallySet: true }, 1000, 37);
    const report = mmu.setDirtyLogging(0, true);
    expect([report.tlbFlushes, report.splits]).toEqual([0, 0]);
    const log = mmu.getDirtyLog(0);
    expect(log.dirtyPageCount).toBe(1000);
    expect(log.bitmap.length).toBe(Math.ceil(1000 / 32));
    expect(log.bitmap[31]).toBe(0xff);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(0);
  });

  it('initially-set: clearing a range write-protects the huge page covering it; the other huge pages stay writable', () => {
    const mmu = vm({ initiallySet: true, eagerSplit: false });
    mmu.setDirtyLogging(0, true);
    const report = mmu.clearDirtyLog(0, 0, 64);
    expect(report.tlbFlushes).toBe(1);
    expect([mmu.spteInfo(0).level, mmu.spteInfo(0).writable, mmu.spteInfo(PAGES_PER_2M).writable]).toEqual([2, false, true]);
    const write = mmu.accessRange(100, 1, true);
    expect(write.splits).toBe(1);
    const log = mmu.getDirtyLog(0);
    expect(log.dirtyPageCount).toBe(4 * PAGES_PER_2M - 64);
    expect((log.bitmap[100 >>> 5]! >>> (100 & 31)) & 1).toBe(1);
  });

  it('initially-set with eager split: clearing a range splits the huge pages covering it to 4K', () => {
    const mmu = vm({ initiallySet: true, eagerSplit: true });
    mmu.setDirtyLogging(0, true);
    const report = mmu.clearDirtyLog(0, PAGES_PER_2M, 64);
    expect(report.splits).toBe(1);
    expect([mmu.mappingLevel(0), mmu.mappingLevel(PAGES_PER_2M)]).toEqual([2, 1]);
    expect(mmu.accessRange(PAGES_PER_2M, 64, true).pmlFullExits).toBe(0);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(4 * PAGES_PER_2M);
  });

  it('get-and-clear reports each written page once and re-protects it, so the next write is caught again', () => {
    for (const pml of [true, false]) {
      const mmu = vm({ pml, eagerSplit: true });
      mmu.setDirtyLogging(0, true);
      mmu.accessRange(3, 5, true);
      expect([pml, mmu.getDirtyLog(0).dirtyPageCount]).toEqual([pml, 5]);
      expect([pml, mmu.getDirtyLog(0).dirtyPageCount]).toEqual([pml, 0]);
      mmu.accessRange(4, 1, true);
      const log = mmu.getDirtyLog(0);
      expect([pml, log.dirtyPageCount, log.bitmap[0]]).toEqual([pml, 1, 1 << 4]);
    }
  });

  it('loggedPageCount reads what the next get-dirty-log reports, without a cost, a counter or a harvest', () => {
    const mmu = vm({ pml: true, eagerSplit: true }, 4 * PAGES_PER_2M - 7, 100);
    expect(mmu.loggedPageCount(0)).toBe(0);
    mmu.setDirtyLogging(0, true);
    mmu.accessRange(100 + 3, 40, true);
    mmu.accessRange(100 + 3 * PAGES_PER_2M + 490, 9, true);
    const counters = mmu.counters();
    const changes = mmu.kernelChangeCount();
    expect([mmu.loggedPageCount(0), mmu.loggedPageCount(0)]).toEqual([49, 49]);
    expect([mmu.counters(), mmu.kernelChangeCount()]).toEqual([counters, changes]);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(49);
    expect(mmu.loggedPageCount(0)).toBe(0);
    mmu.accessRange(100 + 10, 1, true);
    expect(mmu.loggedPageCount(0)).toBe(1);
    mmu.setDirtyLogging(0, false);
    expect(mmu.loggedPageCount(0)).toBe(0);
  });

  it('the returned bitmap is indexed by slot page even when the slot does not start on a 32-page boundary', () => {
    const mmu = vm({ eagerSplit: true }, 3000, 777);
    mmu.setDirtyLogging(0, true);
    mmu.accessRange(777 + 40, 1, true);
    mmu.accessRange(777 + 2999, 1, true);
    const log = mmu.getDirtyLog(0);
    expect(log.dirtyPageCount).toBe(2);
    expect((log.bitmap[1]! >>> 8) & 1).toBe(1);
    expect((log.bitmap[2999 >>> 5]! >>> (2999 & 31)) & 1).toBe(1);
  });

  it('clearDirtyLog rejects a range that does not start on a 64-page boundary, and logs must be on to read them', () => {
    const mmu = vm({});
    expect(() => mmu.getDirtyLog(0)).toThrow(/NOT_DIRTY_LOGGING/);
    mmu.setDirtyLogging(0, true);
    expect(() => mmu.clearDirtyLog(0, 32, 64)).toThrow(/INVALID_CLEAR_RANGE/);
    expect(() => mmu.clearDirtyLog(0, 0, 4 * PAGES_PER_2M + 64)).toThrow(/INVALID_CLEAR_RANGE/);
    expect(() => mmu.clearDirtyLog(0, 64, 4 * PAGES_PER_2M - 64)).not.toThrow();
  });

  it('the dirty bitmap exists only while logging: model memory grows at enable and shrinks back at disable', () => {
    const mmu = vm({ recovery: 'zap-rmap' }, 64 * PAGES_PER_2M);
    const before = mmu.modelBytes();
    mmu.setDirtyLogging(0, true);
    // One bit per page, one bit per 2M region (which regions were written since the last harvest), plus one PML fill counter per vCPU.
    expect(mmu.modelBytes() - before).toBe((64 * PAGES_PER_2M) / 8 + 64 / 8 + 2 * Int32Array.BYTES_PER_ELEMENT);
    mmu.setDirtyLogging(0, false);
    expect(mmu.modelBytes()).toBe(before);
  });

  it('enabling logging twice is a no-op, and a slot id nobody added is an error', () => {
    const mmu = vm({});
    mmu.setDirtyLogging(0, true);
    mmu.accessRange(0, 3, true);
    expect(mmu.setDirtyLogging(0, true).simulatedNs).toBe(0);
    expect(mmu.isDirtyLogging(0)).toBe(true);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(3);
    expect(() => mmu.setDirtyLogging(9, true)).toThrow(/UNKNOWN_MEMSLOT/);
  });

  it('get-dirty-log into a caller bitmap: same pages, cost and re-protection as getDirtyLog, ORed at a word offset, counting only newly set pages', () => {
    for (const baseGfn of [0, 100]) {
      const copy = vm({ pml: true }, 4 * PAGES_PER_2M - 7, baseGfn);
      const into = vm({ pml: true }, 4 * PAGES_PER_2M - 7, baseGfn);
      for (const mmu of [copy, into]) {
        mmu.setDirtyLogging(0, true);
        mmu.accessRange(baseGfn + 3, 40, true);
        mmu.accessRange(baseGfn + 3 * PAGES_PER_2M + 490, 9, true);
      }
      const log = copy.getDirtyLog(0);
      const target = new Uint32Array(2 + log.bitmap.length);
      target[2] = 0b11000; // pages 3 and 4 already set
      const result = into.getDirtyLogInto(0, target, 2);
      expect(result.dirtyPageCount).toBe(log.dirtyPageCount);
      expect(result.newlyDirtyPageCount).toBe(log.dirtyPageCount - 2);
      expect(result.report).toEqual(log.report);
      expect(Array.from(target.subarray(2))).toEqual(Array.from(log.bitmap));
      // Harvested and re-protected: the next writes to the same pages are logged again, nothing else is.
      expect(into.getDirtyLogInto(0, new Uint32Array(log.bitmap.length), 0).dirtyPageCount).toBe(0);
      into.accessRange(baseGfn + 10, 1, true);
      expect(into.getDirtyLog(0).dirtyPageCount).toBe(1);
    }
  });
});
