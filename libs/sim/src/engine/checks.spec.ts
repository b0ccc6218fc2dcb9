import { describe, expect, it } from 'vitest';
import { checkOf, peakConcurrency, runSmall } from '../testing';

/** A host crash reaches the host one control latency (5 ms) after the fault fires; the source hears of it one path latency (0.2 ms) later. */
const CONTROL_MS = 5;
const PATH_MS = 0.2;

const crashDestinationAt10s = { faults: [{ kind: 'destination-crash', host: 'dst-1', at: '10s' }] };

const threeFromOneHost = {
  hosts: [
    { name: 'src-1', link: '10Gbps', memory: '64GiB' },
    { name: 'dst-1', link: '10Gbps', memory: '64GiB' },
    { name: 'dst-2', link: '10Gbps', memory: '64GiB' },
    { name: 'dst-3', link: '10Gbps', memory: '64GiB' },
  ],
  vms: ['a', 'b', 'c'].map((name) => ({ name, host: 'src-1', memory: '1GiB', vcpus: 1, workload: { pattern: 'sequential', writeWorkingSet: '64MiB', dirtyRate: '1MB/s' } })),
  migrations: ['a', 'b', 'c'].map((name, i) => ({ id: `m-${name}`, vm: name, to: `dst-${i + 1}`, at: '1s' })),
};

describe('the safety checks catch the bug they exist for, judged from what the actors recorded', () => {
  it('dirty-logging-off-after-failure: a source that keeps logging after a failed migration is caught', () => {
    const healthy = runSmall(crashDestinationAt10s);
    expect(checkOf(healthy, 'dirty-logging-off-after-failure').passed).toBe(true);
    const buggy = runSmall(crashDestinationAt10s, { testHooks: { keepDirtyLoggingAfterFailure: true } });
    const check = checkOf(buggy, 'dirty-logging-off-after-failure');
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('VM vm-1 still has dirty logging on');
    expect(check.firstViolationMs).toBeCloseTo(10_000 + CONTROL_MS + PATH_MS, 6);
  });

  it('memory-equal-at-switchover: the pages of one batch lost on the way are caught at switchover', () => {
    const healthy = runSmall();
    expect(checkOf(healthy, 'memory-equal-at-switchover').passed).toBe(true);
    const buggy = runSmall({}, { testHooks: { losePagesOfBatch: (_id, seq) => seq === 3 } });
    const check = checkOf(buggy, 'memory-equal-at-switchover');
    expect(check.passed).toBe(false);
    expect(check.detail).toMatch(/migration m1 \(VM vm-1\): the destination's page versions differ from the source's/);
  });

  it('admission-caps: a controller that starts migrations past the per-host cap is caught', () => {
    const healthy = runSmall(threeFromOneHost);
    expect(checkOf(healthy, 'admission-caps').passed).toBe(true);
    expect(peakConcurrency(healthy).outbound.get('src-1')).toBe(2);
    const buggy = runSmall(threeFromOneHost, { testHooks: { bypassAdmission: true } });
    expect(peakConcurrency(buggy).outbound.get('src-1')).toBe(3);
    const check = checkOf(buggy, 'admission-caps');
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('3 migrations leaving src-1, cap is 2');
  });

  it('vm-never-lost: a VM left running on the source after switchover runs on two hosts, and is caught', () => {
    expect(checkOf(runSmall(), 'vm-never-lost').passed).toBe(true);
    const check = checkOf(runSmall({}, { testHooks: { keepSourceRunningAfterSwitchover: true } }), 'vm-never-lost');
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('VM vm-1 runs on 2 hosts at once: src-1, dst-1');
  });

  it('vm-never-lost: a VM forgotten after a failed migration is caught', () => {
    expect(checkOf(runSmall(crashDestinationAt10s), 'vm-never-lost').passed).toBe(true);
    const check = checkOf(runSmall(crashDestinationAt10s, { testHooks: { forgetVmAfterFailure: true } }), 'vm-never-lost');
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('VM vm-1 has no host');
  });
});
