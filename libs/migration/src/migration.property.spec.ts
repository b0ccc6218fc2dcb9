import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessPattern } from '@migsim/guest';
import { runMigration } from './driver/run-migration';
import type { ScheduledCommand } from './driver/schedule';
import { MiB, migrationTestbed } from './testing';

const NS = 1e9;

interface Case {
  memoryMiB: number;
  memslots: number;
  pattern: AccessPattern;
  writeSetShare: number;
  dirtyShare: number;
  linkMiBps: number;
  maxBandwidthMiBps: number;
  algorithm: 'qemu-precopy' | 'xen';
  autoConverge: boolean;
  zeroPageFraction: number;
  latencyMs: number;
  /** When the destination crashes, in % of the time a plain copy of RAM would take; null = never. */
  failAtPercent: number | null;
  /** When post-copy is requested, likewise. */
  postcopyAtPercent: number | null;
  kernel: { pml: boolean; eagerSplit: boolean; initiallySet: boolean; hugeWriteUnderLogging: 'drop' | 'split-in-place' };
  seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  memoryMiB: fc.constantFrom(32, 64, 96),
  memslots: fc.integer({ min: 1, max: 3 }),
  pattern: fc.constantFrom<AccessPattern>('uniform', 'zipf', 'hot-cold', 'sequential'),
  writeSetShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
  // Dirty rate as a share of the effective bandwidth: converging, or throttled by auto-converge.
  dirtyShare: fc.double({ min: 0, max: 0.9, noNaN: true }),
  linkMiBps: fc.integer({ min: 16, max: 512 }),
  maxBandwidthMiBps: fc.integer({ min: 16, max: 1024 }),
  algorithm: fc.constantFrom('qemu-precopy' as const, 'xen' as const),
  autoConverge: fc.boolean(),
  zeroPageFraction: fc.constantFrom(0, 0, 0.3),
  latencyMs: fc.constantFrom(0, 0, 5),
  failAtPercent: fc.option(fc.integer({ min: 0, max: 150 }), { nil: null, freq: 2 }),
  postcopyAtPercent: fc.option(fc.integer({ min: 5, max: 90 }), { nil: null, freq: 2 }),
  kernel: fc.record({
    pml: fc.boolean(),
    eagerSplit: fc.boolean(),
    initiallySet: fc.boolean(),
    hugeWriteUnderLogging: fc.constantFrom('drop' as const, 'split-in-place' as const),
  }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('property: no lost dirty page through the whole migration', () => {
  it('for random workloads, kernels, bandwidths and failure times: at switchover the destination holds exactly the source\'s page versions; a completed pre-copy sent at least all of RAM', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const memoryBytes = c.memoryMiB * MiB;
        const effectiveBytesPerSec = Math.min(c.linkMiBps, c.maxBandwidthMiBps) * MiB;
        const writeSet = Math.max(MiB, Math.floor((memoryBytes * c.writeSetShare) / MiB) * MiB);
        const postcopy = c.postcopyAtPercent !== null && c.algorithm === 'qemu-precopy';
        const copyNs = (memoryBytes / effectiveBytesPerSec) * NS;
        const bed = migrationTestbed({
          memoryBytes,
          memslots: c.memslots,
          kernel: c.kernel,
          seed: c.seed,
          workload: { vcpus: 2, pattern: c.pattern, dirtyRateBytesPerSec: c.dirtyShare * effectiveBytesPerSec, workingSetBytes: writeSet, writeWorkingSetBytes: writeSet },
          params: {
            algorithm: c.algorithm,
            'max-bandwidth': c.maxBandwidthMiBps * MiB,
            capabilities: { 'auto-converge': c.autoConverge, 'postcopy-ram': postcopy },
            model: { zeroPageFraction: c.zeroPageFraction },
          },
        });
        const schedule: ScheduledCommand[] = [];
        if (c.failAtPercent !== null) schedule.push({ when: { atNs: (c.failAtPercent / 100) * copyNs }, command: { type: 'fault', fault: { kind: 'destination-crash' } } });
        if (postcopy) schedule.push({ when: { atNs: (c.postcopyAtPercent! / 100) * copyNs }, command: { type: 'start-postcopy' } });
        let sourceAtSwitch: Uint8Array | null = null;
        const result = runMigration({
          machine: bed.machine,
          guest: bed.guest,
          link: { bytesPerSec: c.linkMiBps * MiB, latencyNs: c.latencyMs * 1e6 },
          schedule,
          maxDurationNs: 900 * NS,
          onAction: (action) => {
            // The source's memory at the switch (stop-and-copy done, or the post-copy switch).
            if (action.type === 'resume-destination') sourceAtSwitch = bed.machine.sourcePageVersions()!.slice();
          },
        });
        if (result.status === 'failed') {
          expect(bed.mmu.memslots().every((slot) => !bed.mmu.isDirtyLogging(slot.id))).toBe(true);
          expect(result.destination?.state()).toBe('dropped');
          return;
        }
        // Without a failure pre-copy converges (dirty rate < bandwidth, or throttled), and post-copy always ends.
        expect(result.status).toBe('completed');
        expect(result.verification?.verified).toBe(true);
        const destination = result.destination!.pageVersions();
        const source = sourceAtSwitch as Uint8Array | null;
        expect(source).not.toBeNull();
        for (const slot of bed.machine.layout.slots) {
          for (let i = slot.offset; i < slot.offset + slot.npages; i++) {
            if (destination[i] !== source![i]) throw new Error(`page index ${i}: destination version ${destination[i]}, source ${source![i]}`);
            if (destination[i] === 0) throw new Error(`page index ${i} never arrived`);
          }
        }
        if (c.zeroPageFraction === 0 && !postcopy) expect(result.info.ram.transferred).toBeGreaterThanOrEqual(result.info.ram.total);
      }),
      { numRuns: 40 },
    );
  });
});
