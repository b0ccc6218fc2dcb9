import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECOVERY_STRATEGIES } from './kernel-profile';
import { testVm } from './testing';

/*
 * `kernelChangeCount()` is what lets a guest skip writes: while it stays the
 * same and dirty logging is off, writing a page already written changes
 * nothing and costs nothing. Random interleavings of guest accesses and
 * kernel operations check both halves: every kernel operation counts, no
 * guest access does, and a repeated write in a quiet stretch is a no-op.
 */

const PAGES = 4 * 512;

type Op =
  | { kind: 'write' | 'read'; at: number; len: number; vcpu: number }
  | { kind: 'enable' | 'disable' | 'get' | 'populate' }
  | { kind: 'clear'; at: number; len: number }
  | { kind: 'thp-split'; at: number; stillCompound: boolean }
  | { kind: 'thp-collapse'; at: number };

const at = fc.integer({ min: 0, max: PAGES - 1 });
const len = fc.integer({ min: 1, max: 700 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constantFrom('write' as const, 'read' as const), at, len, vcpu: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('enable' as const, 'disable' as const, 'get' as const, 'populate' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), at, len }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('thp-split' as const), at, stillCompound: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('thp-collapse' as const), at }) },
);

describe('VmMmu.kernelChangeCount', () => {
  it('counts every kernel operation and no guest access; a repeated write while it stands still and logging is off is free', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RECOVERY_STRATEGIES),
        fc.boolean(),
        fc.array(opArb, { minLength: 1, maxLength: 60 }),
        (recovery, eagerSplit, ops) => {
          const mmu = testVm({ memoryMiB: (PAGES * 4) / 1024, vcpus: 2, profile: { recovery, eagerSplit } });
          // Pages written since the last kernel operation, while no slot was logged.
          const written = new Uint8Array(PAGES);
          for (const op of ops) {
            const before = mmu.kernelChangeCount();
            if (op.kind === 'write' || op.kind === 'read') {
              const count = Math.min(op.len, PAGES - op.at);
              const repeat = op.kind === 'write' && !mmu.isDirtyLogging(0) && written.subarray(op.at, op.at + count).every((w) => w === 1);
              const counters = mmu.counters();
              const coverage = mmu.coverage();
              const result = mmu.accessRange(op.at, count, op.kind === 'write', op.vcpu);
              expect(mmu.kernelChangeCount()).toBe(before);
              if (repeat) {
                expect(result.costNs).toBe(0);
                expect(mmu.counters()).toEqual(counters);
                expect(mmu.coverage()).toEqual(coverage);
              }
              if (op.kind === 'write' && !mmu.isDirtyLogging(0)) written.fill(1, op.at, op.at + count);
              continue;
            }
            if ((op.kind === 'get' || op.kind === 'clear') && !mmu.isDirtyLogging(0)) continue; // no log to read
            if (op.kind === 'enable' || op.kind === 'disable') mmu.setDirtyLogging(0, op.kind === 'enable');
            else if (op.kind === 'get') mmu.getDirtyLog(0);
            else if (op.kind === 'populate') mmu.populate();
            else if (op.kind === 'clear') mmu.clearDirtyLog(0, op.at - (op.at % 64), PAGES - (op.at - (op.at % 64)));
            else if (op.kind === 'thp-split') mmu.hostThpSplit(op.at, op.stillCompound);
            else if (op.kind === 'thp-collapse') mmu.hostThpCollapse(op.at);
            expect(mmu.kernelChangeCount()).toBe(before + 1);
            written.fill(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
