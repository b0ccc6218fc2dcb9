import { describe, expect, it } from 'vitest';
import { chartGroups, MAX_CHARTED_VMS, recoveryWindow } from './html-chart-groups';
import type { RecoveryReport, Report, VmReport } from './report-model';
import { sampleFlagshipReport, sampleSingleVariantReport } from './testing';

function idleVm(name: string): VmReport {
  return {
    name,
    host: 'h-1',
    memoryBytes: 1024 ** 3,
    vcpus: 1,
    timeline: [{ tMs: 0, relativeThroughput: 1, hugeFraction: 1, fraction4k: 0, dirtyLogging: false }],
    recoveries: [],
  };
}

describe('chart groups', () => {
  it('overlays all variants of one VM in one group, with the phases and the fault drawn once', () => {
    const { groups, omittedVmCount } = chartGroups(sampleFlagshipReport());
    expect(omittedVmCount).toBe(0);
    expect(groups).toHaveLength(1);
    const group = groups[0]!;
    expect(group.legend.map((entry) => entry.name)).toEqual(['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']);
    expect(group.throughput.bands.map((band) => band.label)).toEqual(['setup', 'round 1', 'round 2', 'round 3']);
    expect(group.throughput.markers.map((marker) => marker.kind)).toEqual(['fault', 'logging-off']);
  });

  it(`charts at most ${MAX_CHARTED_VMS} VMs, migrated ones first, and counts the rest`, () => {
    const vms = Array.from({ length: 15 }, (_, index) => idleVm(`vm-${index}`));
    const migrated = sampleFlagshipReport().variants[0]!.migrations[0]!;
    const report = sampleSingleVariantReport({ vms, migrations: [{ ...migrated, vm: 'vm-14' }] });
    const { groups, omittedVmCount } = chartGroups(report);
    expect(groups).toHaveLength(MAX_CHARTED_VMS);
    expect(omittedVmCount).toBe(3);
    expect(groups[0]!.vm).toBe('vm-14');
    expect(groups[0]!.closeUps).toEqual([]);
  });

  it('zooms on the recovery with time counted from logging off, far enough to see the slowest strategy back at 99 %', () => {
    const report = sampleFlagshipReport();
    const [closeUp] = chartGroups(report).groups[0]!.closeUps;
    const recoveries = report.variants.map((variant) => variant.vms[0]!.recoveries[0]!);
    const slowestTo99Ms = Math.max(...recoveries.map((recovery) => recovery.timeTo99PctMs ?? 0));
    expect(slowestTo99Ms).toBeGreaterThan(100); // zap-rmap in the sample: 116 ms
    expect(closeUp!.cause).toBe('migration-failed m-1');
    // 1.5 x 116 ms, rounded up to 200 ms, and a fifth of that before logging off.
    expect([closeUp!.throughput.xMinMs, closeUp!.throughput.xMaxMs]).toEqual([-40, 200]);
    expect(closeUp!.throughput.timeFrom).toBe('logging-off');
    expect(closeUp!.throughput.levels.map((level) => level.value)).toEqual([0.9, 0.95]);
    expect(closeUp!.coverage.xMaxMs).toBe(200);
    // Every variant's samples shifted so that its recovery starts at 0.
    const startMs = recoveries[0]!.startMs;
    const series = closeUp!.throughput.series.find((item) => item.name === 'zap-rmap')!;
    const original = report.variants[1]!.vms[0]!.timeline;
    expect(series.shape).toBe('interval-mean');
    expect(series.points.map((point) => point.tMs)).toEqual(original.map((point) => point.tMs - startMs));
    expect(closeUp!.throughput.markers.map((marker) => [marker.kind, Math.round(marker.tMs)])).toEqual([['fault', -3], ['logging-off', 0]]);
    expect(closeUp!.throughput.markerLabels).toBe('above');
  });

  it('lines up variants that switched logging off at different times on their own start, without run-time marks', () => {
    const aligned = chartGroups(sampleFlagshipReport()).groups[0]!.closeUps[0]!;
    const shifted = shiftVariant(sampleFlagshipReport(), 1, 2500);
    const [closeUp] = chartGroups(shifted).groups[0]!.closeUps;
    const pointsOf = (chart: typeof aligned.throughput, name: string) => chart.series.find((item) => item.name === name)!.points;
    // zap-rmap ran 2.5 s later: its curve, counted from its own logging off, is the same.
    expect(pointsOf(closeUp!.throughput, 'zap-rmap')).toEqual(pointsOf(aligned.throughput, 'zap-rmap'));
    const startOf = (entries: typeof aligned.startMsByVariant) => entries.find((entry) => entry.variant === 'zap-rmap')!.startMs;
    expect(startOf(closeUp!.startMsByVariant) - startOf(aligned.startMsByVariant)).toBeCloseTo(2500, 6);
    expect(closeUp!.throughput.markers.map((marker) => marker.kind)).toEqual(['logging-off']);
    expect(closeUp!.throughput.bands).toEqual([]);
  });

  it('gives each recovery of a VM its own close-up, matched across variants by its cause, in time order', () => {
    const report = sampleFlagshipReport();
    for (const variant of report.variants) {
      const vm = variant.vms[0]!;
      const failure = vm.recoveries[0]!;
      const probe: RecoveryReport = { ...failure, trigger: 'probe-ended', cause: 'probe-1', startMs: 2000, timeTo99PctMs: 3, timeTo95PctMs: 2, timeTo90PctMs: 1, disable: { ...failure.disable, simulatedMs: 1 } };
      vm.recoveries = [probe, failure];
    }
    const closeUps = chartGroups(report).groups[0]!.closeUps;
    expect(closeUps.map((closeUp) => closeUp.cause)).toEqual(['probe-ended probe-1', 'migration-failed m-1']);
    expect(closeUps.map((closeUp) => closeUp.throughput.id)).toEqual(['chart-throughput-close-up-0-0', 'chart-throughput-close-up-0-1']);
    expect(closeUps[0]!.throughput.xMaxMs).toBeLessThan(closeUps[1]!.throughput.xMaxMs);
  });

  it('shows 10 s after logging off when no variant got back to 90 %, and never runs past the horizon', () => {
    const recovery = sampleFlagshipReport().variants[0]!.vms[0]!.recoveries[0]!;
    const stuck = { ...recovery, timeTo90PctMs: null, timeTo95PctMs: null, timeTo99PctMs: null };
    expect(recoveryWindow([stuck], recovery.startMs + 60_000)).toEqual({ xMinMs: -2000, xMaxMs: 10_000 });
    expect(recoveryWindow([stuck], recovery.startMs + 4000)).toEqual({ xMinMs: -800, xMaxMs: 4000 });
    // A recovery faster than 20 ms is shown in 20 ms of context.
    const instant = { ...recovery, timeTo90PctMs: 0, timeTo95PctMs: 0, timeTo99PctMs: 1, disable: { ...recovery.disable, simulatedMs: 2 } };
    expect(recoveryWindow([instant], 90_000)).toEqual({ xMinMs: -4, xMaxMs: 20 });
  });
});

/** The report with one variant's whole run `byMs` later (timeline, recoveries and events). */
function shiftVariant(report: Report, variantIndex: number, byMs: number): Report {
  const variant = report.variants[variantIndex]!;
  const vm = variant.vms[0]!;
  vm.timeline = vm.timeline.map((point) => ({ ...point, tMs: point.tMs + byMs }));
  vm.recoveries = vm.recoveries.map((recovery) => ({ ...recovery, startMs: recovery.startMs + byMs }));
  variant.events = variant.events.map((event) => ({ ...event, tMs: event.tMs + byMs }));
  return report;
}
