import type { Coverage } from '@migsim/mmu';
import { describe, expect, it } from 'vitest';
import { GuestError } from './errors';
import type { GuestSample } from './guest-vm';
import { RecoveryTracker } from './recovery-tracker';

const MS = 1_000_000;
const GiB = 2 ** 30;

function sample(relativeThroughput: number, hugeShare = 1, faults = 0): GuestSample {
  const coverage: Coverage = {
    bytes4k: (1 - hugeShare) * GiB,
    bytes2m: hugeShare * GiB,
    bytes1g: 0,
    bytesUnmapped: 0,
  };
  return { relativeThroughput, coverage, pagesWritten: 0, faults, faultNs: 0, loggingExitNs: 0, tlbFactor: 1 };
}

/** Feeds 100 ms steps starting at `startNs`. */
function feed(tracker: RecoveryTracker, startNs: number, curve: number[]): void {
  curve.forEach((r, i) => tracker.add(startNs + i * 100 * MS, 100 * MS, sample(r, r, 10)));
}

describe('recovery tracker', () => {
  // 100 ms steps at 20, 50, 80, 92, 96, 99, 100, 100 % of baseline, 4 vCPUs.
  const curve = [0.2, 0.5, 0.8, 0.92, 0.96, 0.99, 1, 1];

  it('times to 90/95/99 % are the ends of the last steps below each level: 300, 400 and 500 ms', () => {
    const tracker = new RecoveryTracker({ vcpus: 4, startNs: 0 });
    feed(tracker, 0, curve);
    const m = tracker.metrics();
    expect(m.timeTo90PctNs).toBe(300 * MS);
    expect(m.timeTo95PctNs).toBe(400 * MS);
    expect(m.timeTo99PctNs).toBe(500 * MS);
  });

  it('lost work is the deficit integral: (0.8+0.5+0.2+0.08+0.04+0.01) x 0.1 s x 4 vCPUs = 0.652 vCPU-s', () => {
    const tracker = new RecoveryTracker({ vcpus: 4, startNs: 0 });
    feed(tracker, 0, curve);
    expect(tracker.metrics().lostWorkVcpuSeconds).toBeCloseTo(0.652, 12);
    expect(tracker.metrics().refaults).toBe(80);
  });

  it('a later dip moves the time forward; still below a level at the end means null', () => {
    const tracker = new RecoveryTracker({ vcpus: 1, startNs: 0 });
    feed(tracker, 0, [0.5, 0.95, 0.85, 0.95, 0.97]);
    const m = tracker.metrics();
    expect(m.timeTo90PctNs).toBe(300 * MS);
    expect(m.timeTo95PctNs).toBe(300 * MS);
    expect(m.timeTo99PctNs).toBeNull();
  });

  it('already at baseline from the first step: every time is 0 and no work is lost', () => {
    const tracker = new RecoveryTracker({ vcpus: 8, startNs: 5 * MS });
    feed(tracker, 5 * MS, [1, 1, 1]);
    const m = tracker.metrics();
    expect([m.timeTo90PctNs, m.timeTo95PctNs, m.timeTo99PctNs]).toEqual([0, 0, 0]);
    expect(m.lostWorkVcpuSeconds).toBe(0);
  });

  it('steps before the start are ignored and a straddling step is clipped to its part after the start', () => {
    const tracker = new RecoveryTracker({ vcpus: 2, startNs: 150 * MS });
    feed(tracker, 0, [0, 0.5, 1]); // [0,100) ignored, [100,200) counts 50 ms, [200,300) at baseline
    const m = tracker.metrics();
    expect(m.lostWorkVcpuSeconds).toBeCloseTo(0.5 * 0.05 * 2, 12);
    expect(m.timeTo90PctNs).toBe(50 * MS);
    expect(m.refaults).toBe(20);
  });

  it('the timeline stays within maxTimelinePoints and keeps step-weighted means and the final coverage', () => {
    const tracker = new RecoveryTracker({ vcpus: 1, startNs: 0, maxTimelinePoints: 10 });
    const steps = 1000;
    for (let i = 0; i < steps; i++) tracker.add(i * MS, MS, sample(i / (steps - 1), i / (steps - 1)));
    const timeline = tracker.metrics().coverageTimeline;
    expect(timeline.length).toBeLessThanOrEqual(10);
    expect(timeline.length).toBeGreaterThanOrEqual(5);
    expect(timeline[timeline.length - 1].tNs).toBe(steps * MS);
    expect(timeline[timeline.length - 1].hugeFraction).toBe(1);
    const meanOfMeans =
      timeline.reduce((acc, p, i) => acc + p.relativeThroughput * (p.tNs - (i === 0 ? 0 : timeline[i - 1].tNs)), 0) /
      (steps * MS);
    expect(meanOfMeans).toBeCloseTo(0.5, 9);
    for (let i = 1; i < timeline.length; i++) expect(timeline[i].relativeThroughput).toBeGreaterThan(timeline[i - 1].relativeThroughput);
  });

  it('timeline points all span the same number of steps (the last one may be partial)', () => {
    const tracker = new RecoveryTracker({ vcpus: 1, startNs: 0, maxTimelinePoints: 8 });
    for (let i = 0; i < 40; i++) tracker.add(i * MS, MS, sample(1));
    const ends = tracker.metrics().coverageTimeline.map((p) => p.tNs / MS);
    expect(ends).toEqual([8, 16, 24, 32, 40]);
  });

  it('a sample with throughput outside [0, 1] is rejected with a typed error', () => {
    const tracker = new RecoveryTracker({ vcpus: 1, startNs: 0 });
    expect(() => tracker.add(0, MS, sample(1.5))).toThrowError(GuestError);
  });
});
