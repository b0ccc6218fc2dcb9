import type { RecoveryStrategy } from '@migsim/mmu';
import { describe, expect, it } from 'vitest';
import { runMigration, type RunMigrationResult } from './driver/run-migration';
import { GiB, MiB, migrationTestbed } from './testing';

const NS = 1e9;
const REGIONS_2M = (16 * GiB) / (2 * MiB);

interface Outcome {
  result: RunMigrationResult;
  coverage: { bytes4k: number; bytes2m: number };
}

/**
 * The seed's scenario: a 16 GiB THP-backed VM (8 vCPUs, a uniform writer over all
 * of its memory at 512 MiB/s) is pre-copied at up to 1 GiB/s over a 10 Gbit/s
 * link; the destination crashes when round 3 starts; the source turns dirty
 * logging off (its kernel's recovery strategy runs) and the guest is watched
 * for 20 s.
 */
function seedScenario(recovery: RecoveryStrategy): Outcome {
  const { guest, machine, mmu } = migrationTestbed({
    memoryBytes: 16 * GiB,
    kernel: { recovery },
    workload: { vcpus: 8, pattern: 'uniform', dirtyRateBytesPerSec: 512 * MiB, workingSetBytes: 16 * GiB, writeWorkingSetBytes: 16 * GiB },
    params: { 'max-bandwidth': GiB },
  });
  const result = runMigration({
    machine,
    guest,
    link: { bytesPerSec: 1.25e9 },
    schedule: [{ when: { phase: 'round', round: 3 }, command: { type: 'fault', fault: { kind: 'destination-crash' } } }],
    observeRecoveryNs: 20 * NS,
  });
  return { result, coverage: mmu.coverage() };
}

describe('the seed scenario: pre-copy fails in round 3, the source disables dirty logging', () => {
  it('none stays at the small-page level; zap-rmap returns above 95 % after re-faulting every 2M region; recover-in-place is faster, with no re-fault', () => {
    const none = seedScenario('none');
    const zap = seedScenario('zap-rmap');
    const inPlace = seedScenario('recover-in-place');

    for (const { result } of [none, zap, inPlace]) {
      expect(result.status).toBe('failed');
      expect(result.phases.at(-2)).toMatchObject({ phase: 'round', round: 3 });
      expect(result.recovery!.vmOutcome).toBe('running-on-source');
    }
    const metrics = (o: Outcome) => o.result.recovery!.guest!;
    const lastThroughput = (o: Outcome) => metrics(o).coverageTimeline.at(-1)!.relativeThroughput;

    // none (pre-4.1): every page stays mapped 4K and throughput stays where dirty logging left it.
    expect(none.coverage.bytes4k).toBe(16 * GiB);
    expect(none.result.recovery!.totals.sptesZapped).toBe(0);
    expect(metrics(none).timeTo90PctNs).toBeNull();
    expect(metrics(none).refaults).toBe(0);
    expect(lastThroughput(none)).toBeCloseTo(0.89, 2);

    // zap-rmap (4.1): every 4K SPTE of the slot is zapped, the guest re-faults each 2M region once.
    expect(zap.result.recovery!.totals.sptesZapped).toBe((16 * GiB) / 4096);
    expect(metrics(zap).refaults).toBe(REGIONS_2M);
    expect(zap.coverage.bytes2m).toBe(16 * GiB);
    expect(lastThroughput(zap)).toBeGreaterThan(0.95);
    expect(metrics(zap).timeTo95PctNs).toBe(400_000_000);

    // recover-in-place (6.13): huge SPTEs installed in place, no re-fault, back sooner.
    expect(inPlace.result.recovery!.totals.hugeInstalled).toBe(REGIONS_2M);
    expect(metrics(inPlace).refaults).toBe(0);
    expect(inPlace.coverage.bytes2m).toBe(16 * GiB);
    expect(metrics(inPlace).timeTo95PctNs).toBe(100_000_000);

    // Ordering of what the recovery costs the guest.
    expect(metrics(inPlace).timeTo95PctNs!).toBeLessThan(metrics(zap).timeTo95PctNs!);
    expect(metrics(inPlace).lostWorkVcpuSeconds).toBeLessThan(metrics(zap).lostWorkVcpuSeconds);
    expect(metrics(zap).lostWorkVcpuSeconds).toBeLessThan(metrics(none).lostWorkVcpuSeconds);
    // The model's figures (vCPU-seconds lost over the 20 s): about 0.1, 2.8 and 17.9.
    expect(metrics(inPlace).lostWorkVcpuSeconds).toBeCloseTo(0.1, 1);
    expect(metrics(zap).lostWorkVcpuSeconds).toBeCloseTo(2.84, 1);
    expect(metrics(none).lostWorkVcpuSeconds).toBeCloseTo(17.9, 0);
  });
});
