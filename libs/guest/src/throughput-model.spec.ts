import type { Coverage } from '@migsim/mmu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuestError } from './errors';
import { relativeThroughput, ThroughputModel } from './throughput-model';
import { TLB_PROFILES } from './tlb-profile';
import { workloadSpec } from './workload-spec';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const skylake = TLB_PROFILES['skylake-server'];

function coverage(bytes4k: number, bytes2m: number, bytes1g = 0, bytesUnmapped = 0): Coverage {
  return { bytes4k, bytes2m, bytes1g, bytesUnmapped };
}

function model16GiB(guestThpFraction: number): ThroughputModel {
  const workload = workloadSpec({ memoryBytes: 16 * GiB, guestThpFraction });
  return new ThroughputModel(skylake, workload, coverage(0, 16 * GiB));
}

describe('throughput model', () => {
  it('a guest on all-4K EPT runs measurably slower than on all-2M EPT (87 % of baseline, default workload, 16 GiB)', () => {
    const model = model16GiB(0.5);
    expect(model.tlbFactor(coverage(0, 16 * GiB))).toBe(1);
    expect(model.tlbFactor(coverage(16 * GiB, 0))).toBeCloseTo(0.874, 3);
    expect(model.tlbFactor(coverage(8 * GiB, 8 * GiB))).toBeCloseTo(0.907, 3);
  });

  it('with no guest THP, all-4K EPT costs only the longer walk: 100 / (100 + 5 refs x 2 ns x miss rate) = 90.9 %', () => {
    const model = model16GiB(0);
    // Loads over 16 GiB and stores over the 4 GiB write set both miss (almost) always with 4K translations.
    const missRate = 0.7 * (1 - (6.25 * MiB) / (16 * GiB)) + 0.3 * (1 - (6.25 * MiB) / (4 * GiB));
    expect(model.accessTimeNs).toBe(100);
    expect(model.tlbFactor(coverage(16 * GiB, 0))).toBeCloseTo(100 / (100 + 5 * 2 * missRate), 9);
    expect(model.tlbFactor(coverage(16 * GiB, 0))).toBeCloseTo(0.909, 3);
  });

  it('the more guest THP, the more a split EPT hurts: 90.9 % with none, 87.4 % with half, 84.1 % with all', () => {
    const split = (thp: number) => model16GiB(thp).tlbFactor(coverage(16 * GiB, 0));
    expect(split(0)).toBeCloseTo(0.909, 3);
    expect(split(0.5)).toBeCloseTo(0.874, 3);
    expect(split(1)).toBeCloseTo(0.841, 3);
  });

  it('unmapped memory outside the working set does not count against the guest', () => {
    const workload = workloadSpec({ memoryBytes: 16 * GiB, workingSetBytes: 4 * GiB, writeWorkingSetBytes: 1 * GiB });
    const model = new ThroughputModel(skylake, workload, coverage(0, 4 * GiB));
    expect(model.tlbFactor(coverage(0, 4 * GiB, 0, 12 * GiB))).toBe(1);
    expect(model.tlbFactor(coverage(1 * GiB, 3 * GiB, 0, 12 * GiB))).toBeLessThan(0.95);
  });

  it('an access rate the baseline walks alone cannot sustain is rejected with a typed error', () => {
    const workload = workloadSpec({ memoryBytes: 16 * GiB, accessesPerSecPerVcpu: 1e9 });
    expect(() => new ThroughputModel(skylake, workload, coverage(0, 16 * GiB))).toThrowError(GuestError);
  });

  it('throttle, stalls and fault time take their share of vCPU time', () => {
    expect(relativeThroughput({ capacityNs: 1000, lostNs: 250, tlbFactor: 0.8 })).toBeCloseTo(0.6, 12);
    expect(relativeThroughput({ capacityNs: 1000, lostNs: 2000, tlbFactor: 1 })).toBe(0);
  });

  it('property: relative throughput is in (0, 1] and never falls when huge coverage grows, all else equal', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(TLB_PROFILES)),
        fc.integer({ min: 1, max: 1024 }), // working set, GiB
        fc.double({ min: 0.01, max: 1, noNaN: true }), // write set share of it
        fc.double({ min: 0, max: 1, noNaN: true }), // write fraction
        fc.double({ min: 0, max: 1, noNaN: true }), // guest THP
        fc.double({ min: 0, max: 1, noNaN: true }), // share of huge bytes mapped 1G
        fc.double({ min: 0, max: 1, noNaN: true }), // huge coverage a
        fc.double({ min: 0, max: 1, noNaN: true }), // huge coverage b
        fc.double({ min: 0, max: 0.99, noNaN: true }), // vCPU time lost to throttle/faults
        fc.double({ min: 0, max: 1, noNaN: true }), // huge coverage of the baseline
        (profileName, wsGiB, writeShare, writeFraction, guestThpFraction, share1g, a, b, lostShare, baselineHuge) => {
          const ws = wsGiB * GiB;
          const workload = workloadSpec({
            memoryBytes: ws,
            writeWorkingSetBytes: Math.max(4096, Math.floor((ws * writeShare) / 4096) * 4096),
            writeFraction,
            guestThpFraction,
          });
          const at = (huge: number) =>
            coverage(ws * (1 - huge), ws * huge * (1 - share1g), ws * huge * share1g);
          const model = new ThroughputModel(TLB_PROFILES[profileName], workload, at(baselineHuge));
          const throughput = (huge: number) =>
            relativeThroughput({ capacityNs: 1e9, lostNs: 1e9 * lostShare, tlbFactor: model.tlbFactor(at(huge)) });
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(throughput(low)).toBeGreaterThan(0);
          expect(throughput(high)).toBeLessThanOrEqual(1);
          expect(throughput(high)).toBeGreaterThanOrEqual(throughput(low) - 1e-12);
          expect(model.translationNs(at(high))).toBeLessThanOrEqual(model.translationNs(at(low)) + 1e-9);
        },
      ),
      { numRuns: 500 },
    );
  });
});
