import type { RecoveryStrategy } from '@migsim/mmu';
import { describe, expect, it } from 'vitest';
import { hugeFraction } from './coverage-shares';
import type { GuestSample } from './guest-vm';
import { RecoveryTracker } from './recovery-tracker';
import { guestTestbed, type GuestTestbedOptions } from './testing';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const MS = 1_000_000;

/** Logging on for 1 s (eager split: the whole slot goes to 4K), then off; returns the samples after. */
function failedMigration(options: GuestTestbedOptions & { recovery: RecoveryStrategy; steps: number; stepNs: number }) {
  const { mmu, guest, slotId } = guestTestbed({
    ...options,
    kernel: { eagerSplit: true, ...options.kernel, recovery: options.recovery },
  });
  mmu.setDirtyLogging(slotId, true);
  const during: GuestSample[] = [];
  for (let i = 0; i < 10; i++) during.push(guest.step(100 * MS));
  mmu.setDirtyLogging(slotId, false);
  const tracker = new RecoveryTracker({ vcpus: guest.workload.vcpus, startNs: 0 });
  const after: GuestSample[] = [];
  for (let i = 0; i < options.steps; i++) {
    const sample = guest.step(options.stepNs);
    tracker.add(i * options.stepNs, options.stepNs, sample);
    after.push(sample);
  }
  return { mmu, guest, during, after, metrics: tracker.metrics() };
}

describe('guest VM: throughput and recovery', () => {
  it('zap-rmap on 16 GiB with 2 vCPUs: 8,192 re-faults take 34 ms of guest time, throughput dips, then returns above 95 %', () => {
    const { after, metrics, mmu } = failedMigration({
      memoryBytes: 16 * GiB,
      workload: { vcpus: 2 },
      recovery: 'zap-rmap',
      steps: 20,
      stepNs: 5 * MS,
    });
    // One fault per 2 MiB region: fault2mNs + a remote TLB flush (the empty table is replaced by a huge leaf).
    const costs = mmu.costs;
    const perFaultNs = costs.fault2mNs + costs.tlbFlushNs + 2 * costs.tlbFlushIpiPerVcpuNs; // 8.2 us
    expect(metrics.refaults).toBe(8192);
    expect(after[0].relativeThroughput).toBeLessThan(0.05);
    expect(metrics.lostWorkVcpuSeconds).toBeCloseTo((8192 * perFaultNs) / 1e9, 6); // 0.0672 vCPU-s
    expect(metrics.timeTo95PctNs).toBe(35 * MS); // 67.2 ms of faults over 2 vCPUs = 33.6 ms -> the 7th 5 ms step
    const last = after[after.length - 1];
    expect(last.relativeThroughput).toBeGreaterThan(0.95);
    expect(hugeFraction(last.coverage)).toBe(1);
    expect(metrics.coverageTimeline[0].hugeFraction).toBeLessThan(0.2);
    expect(metrics.coverageTimeline[metrics.coverageTimeline.length - 1].hugeFraction).toBe(1);
  });

  it('the same zap on a 1 GiB VM re-faults 16x fewer regions and loses 16x less work', () => {
    const small = failedMigration({ memoryBytes: 1 * GiB, workload: { vcpus: 2 }, recovery: 'zap-rmap', steps: 20, stepNs: 5 * MS });
    const large = failedMigration({ memoryBytes: 16 * GiB, workload: { vcpus: 2 }, recovery: 'zap-rmap', steps: 20, stepNs: 5 * MS });
    expect(small.metrics.refaults).toBe(512);
    expect(large.metrics.lostWorkVcpuSeconds / small.metrics.lostWorkVcpuSeconds).toBeCloseTo(16, 6);
    expect(small.metrics.timeTo95PctNs).toBe(5 * MS);
  });

  it('strategy none: the guest stays on 4K SPTEs and at the all-4K TLB level (87 % of baseline) for good', () => {
    const { after, guest } = failedMigration({ memoryBytes: 16 * GiB, recovery: 'none', steps: 30, stepNs: 100 * MS });
    const all4k = guest.throughputModel.tlbFactor({ bytes4k: 16 * GiB, bytes2m: 0, bytes1g: 0, bytesUnmapped: 0 });
    expect(all4k).toBeCloseTo(0.874, 3);
    for (const sample of after.slice(5)) {
      expect(sample.coverage.bytes4k).toBe(16 * GiB);
      expect(sample.tlbFactor).toBe(all4k);
      expect(sample.relativeThroughput).toBeLessThanOrEqual(all4k);
      expect(sample.relativeThroughput).toBeGreaterThan(all4k - 0.01);
    }
  });

  it('recover-in-place: no re-faults, back at baseline in the first step', () => {
    const { metrics, after } = failedMigration({ memoryBytes: 16 * GiB, recovery: 'recover-in-place', steps: 5, stepNs: 5 * MS });
    expect(metrics.refaults).toBe(0);
    expect(after[0].relativeThroughput).toBeGreaterThan(0.99);
    expect(metrics.timeTo99PctNs).toBe(0);
  });

  it('memory outside the working set stays unmapped after a zap and does not hold the coverage or the throughput down', () => {
    const { after } = failedMigration({
      memoryBytes: 4 * GiB,
      workload: { workingSetBytes: 1 * GiB, writeWorkingSetBytes: 256 * MiB },
      recovery: 'zap-rmap',
      steps: 10,
      stepNs: 10 * MS,
    });
    const last = after[after.length - 1];
    expect(last.coverage.bytesUnmapped).toBe(3 * GiB);
    expect(last.coverage.bytes2m).toBe(1 * GiB);
    expect(hugeFraction(last.coverage)).toBe(1);
    expect(last.workingSetHugeFraction).toBe(1);
    expect(last.relativeThroughput).toBe(1);
  });

  it('under dirty logging the guest pays for the split SPTEs and the logging exits; write protection costs more than PML', () => {
    const loggingCost = (pml: boolean) => {
      const { mmu, guest, slotId } = guestTestbed({ memoryBytes: 4 * GiB, kernel: { pml }, workload: { dirtyRateBytesPerSec: 256 * MiB } });
      const before = guest.step(100 * MS).relativeThroughput;
      mmu.setDirtyLogging(slotId, true);
      let loggingExitNs = 0;
      let throughput = 0;
      for (let i = 0; i < 10; i++) {
        mmu.getDirtyLog(slotId); // QEMU syncs the bitmap: pages are re-protected
        const s = guest.step(100 * MS);
        loggingExitNs += s.loggingExitNs;
        throughput += s.relativeThroughput / 10;
      }
      return { before, loggingExitNs, throughput };
    };
    const pml = loggingCost(true);
    const wp = loggingCost(false);
    expect(pml.before).toBe(1);
    expect(pml.throughput).toBeLessThan(0.95);
    expect(pml.loggingExitNs).toBeGreaterThan(0);
    expect(wp.loggingExitNs).toBeGreaterThan(pml.loggingExitNs);
    expect(wp.throughput).toBeLessThan(pml.throughput);
  });
});
