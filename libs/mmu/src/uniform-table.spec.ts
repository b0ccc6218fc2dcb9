import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelProfile, RECOVERY_STRATEGIES, type KernelProfile } from './kernel-profile';
import type { MmuContext } from './mmu-context';
import { R_TABLE } from './region-state';
import { isUniform, leafTable } from './spte-ops';
import { PAGES_PER_2M } from './units';
import { VmMmu } from './vm-mmu';

/*
 * A table split from a huge leaf stays uniform (flags only, no words written)
 * until its leaves differ. These tests look inside the model: the memory a
 * split leaves untouched, and that a uniform table behaves exactly as the same
 * table written out.
 */

/** The model's internals, for white-box checks only. */
function contextOf(mmu: VmMmu): MmuContext {
  return (mmu as unknown as { ctx: MmuContext }).ctx;
}

/** Leaf-table words (present, writable, D) that are not zero. */
function writtenWords(mmu: VmMmu): number {
  const pool = contextOf(mmu).pool;
  let words = 0;
  for (const bits of [pool.present, pool.writable, pool.dirty]) for (let k = 0; k < bits.length; k++) if (bits[k] !== 0) words++;
  return words;
}

/** Write every uniform table out, as if the model had no uniform tables. */
function writeOutUniformTables(mmu: VmMmu): void {
  const ctx = contextOf(mmu);
  for (const slot of ctx.slots) for (let i = 0; i < slot.regionCount; i++) if (slot.state[i] === R_TABLE && isUniform(slot, i)) leafTable(ctx, slot, i);
}

function splitVm(profile: Partial<KernelProfile>, regions = 8): VmMmu {
  const mmu = new VmMmu({ profile: kernelProfile({ eagerSplit: true, pml: true, ...profile }), vcpus: 2 });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages: regions * PAGES_PER_2M, hvaPage: 0 });
  mmu.populate();
  mmu.setDirtyLogging(0, true);
  return mmu;
}

describe('uniform leaf tables: a split writes no table memory', () => {
  it('eager split of a whole slot, then protection for logging, writes no leaf-table word', () => {
    for (const pml of [true, false]) {
      const mmu = splitVm({ pml });
      expect(mmu.coverage().bytes4k).toBe(8 * 2 ** 21);
      expect([pml, writtenWords(mmu)]).toEqual([pml, 0]);
      expect(mmu.spteInfo(5)).toEqual({ level: 1, writable: pml, indirect: false });
    }
  });

  it('a guest write to one page writes out that region table only; reads, writes to all its pages and harvesting them keep a table uniform', () => {
    const mmu = splitVm({});
    mmu.accessRange(0, 8 * PAGES_PER_2M, false);
    mmu.accessRange(PAGES_PER_2M, PAGES_PER_2M, true);
    expect(mmu.getDirtyLog(0).dirtyPageCount).toBe(PAGES_PER_2M);
    expect(writtenWords(mmu)).toBe(0);
    mmu.accessRange(3 * PAGES_PER_2M + 7, 1, true);
    // Present and writable words of one table are all ones; its D bits are set for page 7 only.
    expect(writtenWords(mmu)).toBe(16 + 16 + 1);
  });

  it('recovery frees uniform tables without writing them', () => {
    for (const recovery of RECOVERY_STRATEGIES) {
      const mmu = splitVm({ recovery });
      mmu.setDirtyLogging(0, false);
      expect([recovery, writtenWords(mmu)]).toEqual([recovery, 0]);
    }
  });
});

type Op =
  | { kind: 'write' | 'read'; region: number; lo: number; len: number }
  | { kind: 'enable' | 'disable' | 'get' | 'populate' }
  | { kind: 'clear'; region: number; pages: number }
  | { kind: 'thp-split'; region: number; stillCompound: boolean };

const REGIONS = 4;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  // Whole regions (the uniform fast path) and partial runs (which write a table out).
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('write' as const, 'read' as const), region: fc.integer({ min: 0, max: REGIONS - 1 }), lo: fc.constant(0), len: fc.constantFrom(PAGES_PER_2M, 2 * PAGES_PER_2M) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('write' as const, 'read' as const), region: fc.integer({ min: 0, max: REGIONS - 1 }), lo: fc.integer({ min: 0, max: 511 }), len: fc.integer({ min: 1, max: 700 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('enable' as const, 'disable' as const, 'get' as const, 'populate' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('clear' as const), region: fc.integer({ min: 0, max: REGIONS - 1 }), pages: fc.constantFrom(64, 256, PAGES_PER_2M, 2 * PAGES_PER_2M) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('thp-split' as const), region: fc.integer({ min: 0, max: REGIONS - 1 }), stillCompound: fc.boolean() }) },
);

const profileArb = fc
  .record({
    mmu: fc.constantFrom('tdp' as const, 'shadow' as const),
    pml: fc.boolean(),
    eagerSplit: fc.boolean(),
    initiallySet: fc.boolean(),
    recovery: fc.constantFrom(...RECOVERY_STRATEGIES),
    hugeWriteUnderLogging: fc.constantFrom('drop' as const, 'split-in-place' as const),
  })
  .map((p) => kernelProfile(p));

/** Everything a user of the model can observe after an operation. */
function observe(mmu: VmMmu): unknown {
  const pages: string[] = [];
  for (let gfn = 0; gfn < REGIONS * PAGES_PER_2M; gfn++) {
    const info = mmu.spteInfo(gfn);
    pages.push(`${info.level}${info.writable ? 'w' : ''}${info.indirect ? 'i' : ''}`);
  }
  return { coverage: mmu.coverage(), counters: mmu.counters(), modelBytes: mmu.modelBytes(), pages: pages.join(',') };
}

function apply(mmu: VmMmu, op: Op): unknown {
  const npages = REGIONS * PAGES_PER_2M;
  switch (op.kind) {
    case 'write':
    case 'read': {
      const at = op.region * PAGES_PER_2M + op.lo;
      return mmu.accessRange(at, Math.min(op.len, npages - at), op.kind === 'write', 1);
    }
    case 'enable':
      return mmu.setDirtyLogging(0, true);
    case 'disable':
      return mmu.setDirtyLogging(0, false);
    case 'get':
      return mmu.isDirtyLogging(0) ? mmu.getDirtyLog(0) : null;
    case 'populate':
      return mmu.populate();
    case 'clear':
      return mmu.isDirtyLogging(0) ? mmu.clearDirtyLog(0, op.region * PAGES_PER_2M, Math.min(op.pages, npages - op.region * PAGES_PER_2M)) : null;
    case 'thp-split':
      mmu.hostThpSplit(op.region * PAGES_PER_2M, op.stillCompound);
      return null;
  }
}

/**
 * Run `ops` on two models: one as is, one whose uniform tables are written out
 * before each operation. Every result and everything observable must agree.
 */
function compareWithWrittenOut(profile: KernelProfile, ops: Op[]): void {
  const [uniform, written] = [0, 1].map(() => {
    const mmu = new VmMmu({ profile, vcpus: 2 });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: REGIONS * PAGES_PER_2M, hvaPage: 0 });
    mmu.markGuest4kMapped(3 * PAGES_PER_2M, 1);
    mmu.populate();
    return mmu;
  }) as [VmMmu, VmMmu];
  for (const op of ops) {
    writeOutUniformTables(written);
    const expected = apply(written, op);
    const context = `${JSON.stringify(profile)} ${JSON.stringify(op)}`;
    expect(apply(uniform, op), context).toEqual(expected);
    expect(observe(uniform), context).toEqual(observe(written));
  }
}

/** A migration that fails, a second one and a host split: every path a uniform table takes, in a fixed order. */
const SCRIPT: Op[] = [
  { kind: 'enable' },
  { kind: 'clear', region: 0, pages: PAGES_PER_2M },
  { kind: 'clear', region: 1, pages: 64 },
  { kind: 'read', region: 1, lo: 0, len: PAGES_PER_2M },
  { kind: 'write', region: 2, lo: 0, len: PAGES_PER_2M },
  { kind: 'write', region: 1, lo: 100, len: 3 },
  { kind: 'get' },
  { kind: 'write', region: 0, lo: 0, len: 2 * PAGES_PER_2M },
  { kind: 'get' },
  { kind: 'disable' },
  { kind: 'populate' },
  { kind: 'enable' },
  { kind: 'thp-split', region: 1, stillCompound: true },
  { kind: 'write', region: 1, lo: 0, len: 2 * PAGES_PER_2M },
  { kind: 'get' },
  { kind: 'disable' },
];

describe('uniform leaf tables behave as the tables written out', () => {
  it('every profile combination: a fixed migration script returns the same results, costs and state', () => {
    for (const mmu of ['tdp', 'shadow'] as const) {
      for (const pml of [false, true]) {
        for (const eagerSplit of [false, true]) {
          for (const initiallySet of [false, true]) {
            for (const recovery of RECOVERY_STRATEGIES) {
              for (const hugeWriteUnderLogging of ['drop', 'split-in-place'] as const) {
                compareWithWrittenOut(kernelProfile({ mmu, pml, eagerSplit, initiallySet, recovery, hugeWriteUnderLogging }), SCRIPT);
              }
            }
          }
        }
      }
    }
  });

  it('random operation sequences return the same results, costs and state', () => {
    fc.assert(
      fc.property(profileArb, fc.array(opArb, { minLength: 1, maxLength: 25 }), (profile, ops) => compareWithWrittenOut(profile, ops)),
      { numRuns: 200 },
    );
  });
});
