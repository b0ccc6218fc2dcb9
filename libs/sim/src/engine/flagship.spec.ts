import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '@migsim/scenario';
import type { RecoveryReport } from '@migsim/report';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../simulate';
import { checkOf, migrationOf, variantOf } from '../testing';
import type { Report } from '@migsim/report';

const FILE = fileURLToPath(new URL('../../../../scenarios/failed-migration-recovery.yaml', import.meta.url));

describe('flagship: failed-migration-recovery', () => {
  let report: Report;
  const recovery = (variant: string): RecoveryReport => {
    const vm = variantOf(report, variant).vms.find((v) => v.name === 'vm-1')!;
    expect(vm.recoveries).toHaveLength(1);
    return vm.recoveries[0]!;
  };

  beforeAll(() => {
    report = simulate(loadScenario(readFileSync(FILE, 'utf8'), 'scenarios/failed-migration-recovery.yaml'));
  });

  it('runs the five strategies as five variants, and every check passes', () => {
    expect(report.variants.map((v) => v.name)).toEqual(['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']);
    expect(report.summary.checks.failed).toBe(0);
  });

  it('the destination crash as round 3 starts fails the migration, and the VM stays on the source', () => {
    for (const variant of report.variants) {
      const m1 = migrationOf(variant, 'm1');
      expect(m1.outcome).toBe('failed');
      expect(m1.attempts[0]!.phases.filter((p) => p.phase === 'round').map((p) => p.round)).toEqual([1, 2, 3]);
      expect(variant.vms.find((v) => v.name === 'vm-1')!.host).toBe('src-1');
      expect(checkOf(variant, 'dirty-logging-off-after-failure').passed).toBe(true);
    }
  });

  it('none never recovers: no 95 %, and 4 KiB mappings remain at the horizon', () => {
    const none = recovery('none');
    expect(none.timeTo95PctMs).toBeNull();
    expect(none.finalHugeFraction).toBeLessThan(0.9);
    expect(none.disable.sptesZapped).toBe(0);
  });

  it('zap-rmap recovers above 95 %, by re-faulting what it zapped', () => {
    const zap = recovery('zap-rmap');
    expect(zap.finalRelativeThroughput).toBeGreaterThan(0.95);
    expect(zap.timeTo95PctMs).not.toBeNull();
    expect(zap.refaults).toBeGreaterThan(0);
    expect(zap.finalHugeFraction).toBeGreaterThan(recovery('none').finalHugeFraction);
  });

  it('recover-in-place loses the least work, with 0 re-faults; no zap strategy is back to 95 % sooner', () => {
    const inPlace = recovery('recover-in-place');
    expect(inPlace.refaults).toBe(0);
    expect(inPlace.disable.hugeInstalled).toBeGreaterThan(0);
    for (const other of ['zap-rmap', 'zap-max-level', 'zap-tdp']) {
      expect(inPlace.timeTo95PctMs!).toBeLessThanOrEqual(recovery(other).timeTo95PctMs!);
      expect(inPlace.lostWorkVcpuSeconds).toBeLessThan(recovery(other).lostWorkVcpuSeconds);
    }
    expect(inPlace.lostWorkVcpuSeconds).toBeLessThan(recovery('none').lostWorkVcpuSeconds);
  });

  it('the rmap walks hold mmu_lock for write and stall every faulting vCPU: the TDP MMU strategies are back sooner', () => {
    for (const rmap of ['zap-rmap', 'zap-max-level']) {
      for (const tdp of ['zap-tdp', 'recover-in-place']) {
        expect(recovery(tdp).timeTo95PctMs!).toBeLessThan(recovery(rmap).timeTo95PctMs!);
        expect(recovery(tdp).lostWorkVcpuSeconds).toBeLessThan(recovery(rmap).lostWorkVcpuSeconds);
      }
    }
  });

  it('zap-tdp flushes once per zapped region, more than the batched rmap walk', () => {
    expect(recovery('zap-tdp').disable.tlbFlushes).toBeGreaterThan(recovery('zap-rmap').disable.tlbFlushes);
  });
});
