import { describe, expect, it } from 'vitest';
import { checkOf, migrationOf, runSmall } from '../testing';

/**
 * The minimal scenario's VM (4 GiB, uniform 10 MB/s writer) migrates src-1 -> dst-1 from 5 s.
 * Faults fire in the controller; what they do reaches a host one control latency (5 ms) later,
 * and another host one path latency (2 x 0.1 ms) after that.
 */
const CONTROL_MS = 5;
const PATH_MS = 0.2;
const withFaults = (...faults: Record<string, unknown>[]) => ({ faults });

describe('fault kinds through the engine', () => {
  it('destination-crash: the migration fails, the VM keeps running on the source and its recovery is measured', () => {
    const variant = runSmall(withFaults({ kind: 'destination-crash', host: 'dst-1', at: '10s' }));
    const m1 = migrationOf(variant, 'm1');
    expect(m1.outcome).toBe('failed');
    expect(m1.attempts[0]!.endMs).toBeCloseTo(10_000 + CONTROL_MS + PATH_MS, 6);
    const vm = variant.vms.find((v) => v.name === 'vm-1')!;
    expect(vm.host).toBe('src-1');
    expect(vm.recoveries).toHaveLength(1);
    expect(vm.recoveries[0]).toMatchObject({ trigger: 'migration-failed', cause: 'm1' });
    expect(vm.recoveries[0]!.startMs).toBeCloseTo(10_000 + CONTROL_MS + PATH_MS, 6);
    expect(variant.events.some((e) => e.kind === 'fault' && e.detail.startsWith('destination-crash'))).toBe(true);
  });

  it('link-down in pre-copy stalls the stream until the progress timeout aborts it', () => {
    const variant = runSmall({
      policy: { progressTimeout: '20s' },
      ...withFaults({ kind: 'link-down', from: 'src-1', to: 'dst-1', at: '8s' }),
    });
    const m1 = migrationOf(variant, 'm1');
    expect(m1.outcome).toBe('aborted');
    expect(m1.attempts[0]!.info['error-desc'] ?? '').toBe('');
    expect(m1.attempts[0]!.endMs!).toBeGreaterThan(28_000);
    expect(m1.attempts[0]!.endMs!).toBeLessThan(28_500);
    expect(variant.events.some((e) => e.kind === 'migration-aborting' && e.detail.startsWith('Live migration stuck for 20 sec'))).toBe(true);
  });

  it('link-down for a while only delays a pre-copy by about that long', () => {
    const base = migrationOf(runSmall(), 'm1').attempts[0]!;
    const delayed = migrationOf(runSmall(withFaults({ kind: 'link-down', from: 'src-1', to: 'dst-1', at: '8s', duration: '5s' })), 'm1').attempts[0]!;
    expect(delayed.outcome).toBe('completed');
    const lostMs = delayed.info['total-time'] - base.info['total-time'];
    expect(lostMs).toBeGreaterThan(4_500);
    expect(lostMs).toBeLessThan(6_000);
  });

  it('bandwidth-drop on the path slows the migration down to the dropped rate', () => {
    const base = migrationOf(runSmall(), 'm1').attempts[0]!;
    const slow = migrationOf(runSmall({ horizon: '150s', ...withFaults({ kind: 'bandwidth-drop', from: 'src-1', to: 'dst-1', bandwidth: '50MB/s', at: '0s' }) }), 'm1').attempts[0]!;
    expect(slow.outcome).toBe('completed');
    // 4 GiB at 50 MB/s is about 86 s; at QEMU's default 128 MiB/s about 32 s.
    expect(slow.info['total-time']).toBeGreaterThan(80_000);
    expect(base.info['total-time']).toBeLessThan(40_000);
    expect(slow.info.ram.mbps).toBeLessThan(401);
  });

  it('latency on the path lengthens the switchover: the resume command and its answer each cross it', () => {
    const base = migrationOf(runSmall(), 'm1').attempts[0]!;
    const far = migrationOf(runSmall(withFaults({ kind: 'latency', from: 'src-1', to: 'dst-1', latency: '100ms', at: '0s' })), 'm1').attempts[0]!;
    expect(far.outcome).toBe('completed');
    expect(far.info.downtime! - base.info.downtime!).toBeGreaterThanOrEqual(200);
  });

  it('migration-cancel cancels it, the source recovers, and no retry follows even when retries are allowed', () => {
    const variant = runSmall({ policy: { retries: { max: 2 } }, ...withFaults({ kind: 'migration-cancel', migration: 'm1', at: '9s' }) });
    const m1 = migrationOf(variant, 'm1');
    expect(m1.outcome).toBe('cancelled');
    expect(m1.attempts).toHaveLength(1);
    expect(variant.vms.find((v) => v.name === 'vm-1')!.recoveries[0]).toMatchObject({ trigger: 'migration-cancelled', startMs: 9_000 + CONTROL_MS });
    expect(checkOf(variant, 'dirty-logging-off-after-failure').passed).toBe(true);
  });

  it('a fault triggered by phase fires when the controller hears that round started', () => {
    const variant = runSmall(withFaults({ kind: 'destination-crash', when: { migration: 'm1', phase: 'round', round: 2 } }));
    const attempt = migrationOf(variant, 'm1').attempts[0]!;
    const round2 = attempt.phases.find((p) => p.phase === 'round' && p.round === 2)!;
    expect(attempt.outcome).toBe('failed');
    // The source reports the phase (5 ms), the controller crashes dst-1 (5 ms), dst-1's stream breaks (0.2 ms).
    expect(attempt.endMs).toBeCloseTo(round2.startMs + 2 * CONTROL_MS + PATH_MS, 6);
  });
});
