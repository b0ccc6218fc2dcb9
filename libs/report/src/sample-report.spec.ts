import { describe, expect, it } from 'vitest';
import { sampleFlagshipReport, SAMPLE_STRATEGIES } from './testing';

describe('sample flagship report (test builder)', () => {
  const report = sampleFlagshipReport();

  it('fails the migration in round 3 in every one of the five variants', () => {
    expect(report.variants.map((variant) => variant.name)).toEqual([...SAMPLE_STRATEGIES]);
    for (const variant of report.variants) {
      const attempt = variant.migrations[0]!.attempts[0]!;
      expect(attempt.outcome).toBe('failed');
      expect(attempt.phases.at(-1)).toMatchObject({ phase: 'round', round: 3 });
      expect(attempt.info.ram['dirty-sync-count']).toBe(3);
    }
  });

  it('has recovery curves that dip after a zap and come back within tens of ms, stay at the 4 KiB level with none, and rise in place without a dip', () => {
    const recoveryOf = (variantIndex: number) => report.variants[variantIndex]!.vms[0]!.recoveries[0]!;
    const lowestAfterFailure = (variantIndex: number): number => {
      const vm = report.variants[variantIndex]!.vms[0]!;
      const start = vm.recoveries[0]!.startMs;
      return Math.min(...vm.timeline.filter((point) => point.tMs > start).map((point) => point.relativeThroughput));
    };
    const final = (variantIndex: number): number => report.variants[variantIndex]!.vms[0]!.timeline.at(-1)!.relativeThroughput;
    expect(lowestAfterFailure(1)).toBeLessThan(0.5); // zap-rmap: vCPUs wait for the rmap walk
    expect(final(1)).toBeGreaterThan(0.99);
    expect(final(0)).toBeLessThan(0.95); // none: stuck at 4 KiB
    expect(recoveryOf(0).timeTo90PctMs).toBe(0); // ... which is above 90 %: never below it
    expect(lowestAfterFailure(4)).toBeGreaterThanOrEqual(0.92); // recover-in-place: no dip below the 4 KiB level
    expect(recoveryOf(4).refaults).toBe(0);
    const to99 = [1, 2, 3, 4].map((index) => recoveryOf(index).timeTo99PctMs!);
    expect(new Set(to99).size).toBe(4);
    for (const ms of to99) expect(ms).toBeGreaterThan(10);
    for (const ms of to99) expect(ms).toBeLessThan(150);
  });

  it('samples its timelines finely around logging on and off and coarsely elsewhere, each point the mean of its interval', () => {
    const timeline = report.variants[1]!.vms[0]!.timeline;
    const gaps = timeline.slice(1).map((point, index) => point.tMs - timeline[index]!.tMs);
    expect(Math.min(...gaps)).toBeLessThanOrEqual(5);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(995);
    const start = report.variants[1]!.vms[0]!.recoveries[0]!.startMs;
    expect(timeline.filter((point) => point.tMs > start && point.tMs <= start + 200).length).toBeGreaterThanOrEqual(40);
    // A coarse point straddling the end of the dip carries its mean, not its end value.
    const regular = sampleFlagshipReport({ fineStepMs: 0 }).variants[1]!.vms[0]!.timeline;
    const straddling = regular.find((point) => point.tMs > start)!;
    expect(straddling.relativeThroughput).toBeLessThan(0.99);
    expect(straddling.relativeThroughput).toBeGreaterThan(0.9);
  });
});
