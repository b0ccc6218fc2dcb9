import { describe, expect, it } from 'vitest';
import { GuestError } from './errors';
import { workloadSpec } from './workload-spec';

const GiB = 2 ** 30;

describe('workload spec', () => {
  it('fills the documented defaults: 4 vCPUs, whole memory as working set, a quarter of it written, 32 MiB/s uniform', () => {
    const spec = workloadSpec({ memoryBytes: 16 * GiB });
    expect(spec).toEqual({
      vcpus: 4,
      memoryBytes: 16 * GiB,
      workingSetBytes: 16 * GiB,
      writeWorkingSetBytes: 4 * GiB,
      pattern: 'uniform',
      dirtyRateBytesPerSec: 32 * 2 ** 20,
      writeFraction: 0.3,
      accessesPerSecPerVcpu: 10_000_000,
      zipfExponent: 1,
      hotFraction: 0.1,
      hotAccessShare: 0.9,
      guestThpFraction: 0.5,
    });
  });

  it('keeps what was given and rounds sizes down to whole pages', () => {
    const spec = workloadSpec({ memoryBytes: 8 * GiB + 100, workingSetBytes: 2 * GiB + 4095, pattern: 'zipf', vcpus: 16 });
    expect(spec.memoryBytes).toBe(8 * GiB);
    expect(spec.workingSetBytes).toBe(2 * GiB);
    expect(spec.writeWorkingSetBytes).toBe(GiB / 2);
    expect(spec.pattern).toBe('zipf');
    expect(spec.vcpus).toBe(16);
  });

  it('a write working set larger than the working set is an error that names the field and the limit', () => {
    expect(() => workloadSpec({ memoryBytes: 4 * GiB, workingSetBytes: GiB, writeWorkingSetBytes: 2 * GiB })).toThrowError(
      /workload\.writeWorkingSetBytes: expected between one page and workingSetBytes \(1073741824\)/,
    );
  });

  it('an unknown pattern, a zero vCPU count or a share above 1 is a GuestError with code INVALID_WORKLOAD', () => {
    const bad = [
      { pattern: 'random' as never },
      { vcpus: 0 },
      { guestThpFraction: 1.5 },
      { hotFraction: 1 },
      { dirtyRateBytesPerSec: -1 },
    ];
    for (const partial of bad) {
      try {
        workloadSpec({ memoryBytes: GiB, ...partial });
        expect.unreachable(`accepted ${JSON.stringify(partial)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(GuestError);
        expect((error as GuestError).code).toBe('INVALID_WORKLOAD');
      }
    }
  });
});
