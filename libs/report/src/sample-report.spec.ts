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

  it('has recovery curves that dip after a zap and come back, stay down with none, and jump back in place', () => {
    const lowestAfterFailure = (variantIndex: number): number => {
      const vm = report.variants[variantIndex]!.vms[0]!;
      const start = vm.recoveries[0]!.startMs;
      return Math.min(...vm.timeline.filter((point) => point.tMs > start).map((point) => point.relativeThroughput));
    };
    const final = (variantIndex: number): number => report.variants[variantIndex]!.vms[0]!.timeline.at(-1)!.relativeThroughput;
    expect(lowestAfterFailure(1)).toBeLessThan(0.5); // zap-rmap: the re-fault storm
    expect(final(1)).toBeGreaterThan(0.99);
    expect(final(0)).toBeLessThan(0.8); // none: stuck at 4 KiB
    expect(lowestAfterFailure(4)).toBeGreaterThan(0.7); // recover-in-place: no dip below the 4 KiB level
    expect(report.variants[4]!.vms[0]!.recoveries[0]!.refaults).toBe(0);
  });
});
