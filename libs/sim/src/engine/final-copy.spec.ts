import { describe, expect, it } from 'vitest';
import { migrationOf, runSmall } from '../testing';

/**
 * QEMU lifts its rate limit for the final stop-and-copy (`migration_completion`:
 * "regardless of rate limiting"), so the pages left and the device state go at
 * what the path has, not at `max-bandwidth`. A 1 GiB written set behind a
 * 64 MiB/s cap on a 10 Gbps path with a 300 ms downtime-limit: QEMU switches
 * over once ~19 MiB (64 MiB/s x 300 ms) is left, and that goes at ~1.25 GB/s.
 */
const fastPathSlowCap = {
  horizon: '120s',
  hosts: [
    { name: 'src-1', link: '10Gbps', memory: '64GiB' },
    { name: 'dst-1', link: '10Gbps', memory: '64GiB' },
  ],
  vms: [{ name: 'vm-1', host: 'src-1', memory: '4GiB', vcpus: 2, workload: { pattern: 'uniform', writeWorkingSet: '1GiB', dirtyRate: '20MB/s' } }],
  migrations: [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '1s', params: { 'max-bandwidth': '64MiB/s', 'downtime-limit': '300ms' } }],
};

describe('the final stop-and-copy goes at the path\'s share, not at max-bandwidth', () => {
  it('1 GiB written set, 10 Gbps path, 64 MiB/s cap, 300 ms limit: downtime well under 60 ms', () => {
    const attempt = migrationOf(runSmall(fastPathSlowCap), 'm1').attempts[0]!;
    expect(attempt.outcome).toBe('completed');
    expect(attempt.info.downtime).toBeDefined();
    // ~19 MiB at 1.25 GB/s is ~16 ms, plus the resume's round trip; at the cap it would be ~300 ms.
    expect(attempt.info.downtime!).toBeLessThan(60);
    expect(attempt.info.downtime!).toBeGreaterThan(5);
    // Total time and bytes are those of a pre-copy paced at the cap: 4 GiB plus the rounds' resends at 64 MiB/s.
    const transferred = attempt.info.ram.transferred;
    expect(transferred).toBeGreaterThan(4 * 2 ** 30);
    const capSeconds = transferred / (64 * 2 ** 20);
    expect(attempt.info['total-time'] / 1000).toBeGreaterThan(0.95 * capSeconds);
    expect(attempt.info['total-time'] / 1000).toBeLessThan(1.05 * capSeconds + 1);
  });
});
