import { describe, expect, it } from 'vitest';
import { guestTestbed } from './testing';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const MS = 1_000_000;

describe('re-fault work follows the regions to re-fault, not the working set', () => {
  it('a legacy MMU dropping huge SPTEs under logging: each step touches the regions it dropped, not all 32,768 of a 64 GiB working set', () => {
    const { mmu, guest, slotId } = guestTestbed({
      memoryBytes: 64 * GiB,
      kernel: { hugeWriteUnderLogging: 'drop', pml: true },
      workload: { pattern: 'uniform', writeWorkingSetBytes: 64 * MiB, dirtyRateBytesPerSec: 100 * MiB },
    });
    mmu.setDirtyLogging(slotId, true);
    const accessRange = mmu.accessRange.bind(mmu);
    let reads = 0;
    mmu.accessRange = (gfn, count, write, vcpu) => {
      if (!write) reads += 1;
      return accessRange(gfn, count, write, vcpu);
    };
    const perStep: number[] = [];
    for (let step = 0; step < 20; step++) {
      reads = 0;
      guest.step(10 * MS);
      perStep.push(reads);
    }
    // The 64 MiB write set is 32 regions: the first steps drop (and re-fault) some of them each.
    expect(Math.max(...perStep)).toBeLessThanOrEqual(32);
    expect(perStep.some((n) => n > 0)).toBe(true);
  });
});
