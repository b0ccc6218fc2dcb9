import { describe, expect, it } from 'vitest';
import { chartGroups, MAX_CHARTED_VMS, recoveryWindow } from './html-chart-groups';
import type { VmReport } from './report-model';
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
    expect(groups[0]!.closeUp).toBeNull();
  });

  it('zooms the close-up from just before logging was switched off to 1.5 x the slowest time to 99 %', () => {
    const vm = sampleFlagshipReport().variants[3]!.vms[0]!; // zap-tdp
    const recovery = vm.recoveries[0]!;
    const window = recoveryWindow([vm], 90_000)!;
    const spanMs = Math.max(10_000, recovery.timeTo99PctMs! * 1.5);
    expect(window.xMinMs).toBeCloseTo(recovery.startMs - spanMs * 0.15, 6);
    expect(window.xMaxMs - window.xMinMs).toBeCloseTo(spanMs, 6);
  });
});
