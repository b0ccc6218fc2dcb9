import { describe, expect, it } from 'vitest';
import { checkOf, migrationOf, peakConcurrency, runSmall } from '../testing';

const host = (name: string, memory = '64GiB', link = '10Gbps') => ({ name, link, memory });
const vm = (name: string, hostName: string, memory = '1GiB') => ({
  name,
  host: hostName,
  memory,
  vcpus: 1,
  workload: { pattern: 'sequential', writeWorkingSet: '64MiB', dirtyRate: '1MB/s' },
});

/**
 * The controller's commands reach a host 5 ms later (control latency) and a
 * source hears its destination crash 0.2 ms after the destination does.
 */
describe('controller policy in the engine', () => {
  it('the completion timeout aborts after completionTimeoutPerGiB x GiB (5 s x 4 GiB = 20 s)', () => {
    const variant = runSmall({ policy: { completionTimeoutPerGiB: 5, progressTimeout: '0s' } });
    const attempt = migrationOf(variant, 'm1').attempts[0]!;
    expect(attempt.outcome).toBe('aborted');
    expect(attempt.endMs! - attempt.startMs).toBeGreaterThanOrEqual(20_000);
    expect(attempt.endMs! - attempt.startMs).toBeLessThanOrEqual(20_101);
    expect(variant.events.some((e) => e.kind === 'migration-aborting' && e.detail === 'Live migration is not completed after 20 sec and has been aborted')).toBe(true);
    expect(variant.vms.find((v) => v.name === 'vm-1')!.recoveries[0]!.trigger).toBe('migration-aborted');
  });

  it('a failed migration is retried after the backoff, then completes', () => {
    const variant = runSmall({
      horizon: '120s',
      policy: { retries: { max: 2, backoff: '20s' } },
      faults: [{ kind: 'destination-crash', host: 'dst-1', at: '10s', duration: '5s' }],
    });
    const m1 = migrationOf(variant, 'm1');
    // Fails at 10.0052 s; the controller hears it at 10.0102 s and retries 20 s later; the source starts 5 ms after.
    expect(m1.attempts.map((a) => [a.outcome, a.startMs])).toEqual([
      ['failed', 5_005],
      ['completed', 30_015.2],
    ]);
    expect(m1.outcome).toBe('completed');
    expect(variant.events.filter((e) => e.kind === 'retry-scheduled').map((e) => e.detail)).toEqual(['attempt 2 in 20 s to dst-1']);
  });

  it('backoff grows by the multiplier with each consecutive failure, and stops at max retries', () => {
    const variant = runSmall({
      policy: { retries: { max: 2, backoff: '4s', multiplier: 3 } },
      faults: [
        { kind: 'destination-crash', host: 'dst-1', at: '6s', duration: '1s' },
        { kind: 'destination-crash', host: 'dst-1', at: '10s', duration: '1s' },
        { kind: 'destination-crash', host: 'dst-1', at: '23s', duration: '1s' },
      ],
    });
    const m1 = migrationOf(variant, 'm1');
    // Fails at 6.0052 s (heard at 6.0102 s) -> retry at 10.0102 s (4 s later), which the controller refuses at once
    // (dst-1 crashed at 10 s) -> retry at 22.0102 s (12 s later), started on the source at 22.0152 s, which the
    // crash at 23 s fails -> no third retry.
    expect(m1.attempts.map((a) => [a.outcome, a.startMs])).toEqual([
      ['failed', 5_005],
      ['failed', 10_010.2],
      ['failed', 22_015.2],
    ]);
  });

  it('never more than 2 outbound per host and 5 in the cluster, and the caps are used in full', () => {
    const hosts = [host('s1'), host('s2'), host('s3'), host('d1'), host('d2'), host('d3'), host('d4'), host('d5'), host('d6')];
    const vms = [1, 2, 3].flatMap((s) => [1, 2, 3, 4].map((i) => vm(`vm-${s}-${i}`, `s${s}`)));
    const migrations = vms.map((v, i) => ({ id: `m-${v.name}`, vm: v.name, to: `d${(i % 6) + 1}`, at: '1s' }));
    const variant = runSmall({ hosts, vms, migrations, horizon: '300s', policy: { parallelInboundMigrationsPerNode: 4 } });
    expect(variant.migrations.every((m) => m.outcome === 'completed')).toBe(true);
    const peak = peakConcurrency(variant);
    expect(peak.cluster).toBe(5);
    for (const source of ['s1', 's2', 's3']) expect(peak.outbound.get(source)).toBe(2);
    expect(checkOf(variant, 'admission-caps').passed).toBe(true);
  });

  it('two migrations from one 1 Gbps host share it: each runs at about half the rate of one alone', () => {
    const hosts = [host('src', '64GiB', '1Gbps'), host('a'), host('b')];
    const one = runSmall({ hosts, vms: [vm('x', 'src')], migrations: [{ id: 'mx', vm: 'x', to: 'a', at: '1s', params: { 'max-bandwidth': '1GiB/s' } }] });
    const two = runSmall({
      hosts,
      vms: [vm('x', 'src'), vm('y', 'src')],
      migrations: [
        { id: 'mx', vm: 'x', to: 'a', at: '1s', params: { 'max-bandwidth': '1GiB/s' } },
        { id: 'my', vm: 'y', to: 'b', at: '1s', params: { 'max-bandwidth': '1GiB/s' } },
      ],
    });
    const alone = migrationOf(one, 'mx').attempts[0]!.info;
    const shared = migrationOf(two, 'mx').attempts[0]!.info;
    // 1 Gbps = 1000 Mbit/s alone, 500 Mbit/s each when shared (QEMU's mbps counts header bytes too).
    expect(alone.ram.mbps).toBeGreaterThan(950);
    expect(alone.ram.mbps).toBeLessThan(1010);
    expect(shared.ram.mbps).toBeGreaterThan(475);
    expect(shared.ram.mbps).toBeLessThan(505);
    expect(shared['total-time'] / alone['total-time']).toBeGreaterThan(1.9);
  });

  it('balance moves the smallest VMs of the fullest host to the emptiest while a move narrows the gap', () => {
    const variant = runSmall({
      hosts: [host('full', '32GiB'), host('empty', '32GiB')],
      vms: [vm('v1', 'full', '4GiB'), vm('v2', 'full', '4GiB'), vm('v3', 'full', '8GiB'), vm('v4', 'full', '8GiB')],
      migrations: [],
      plans: [{ balance: ['full', 'empty'], at: '1s', tolerance: '20%' }],
      horizon: '200s',
    });
    // 75 % vs 0 %: v1 -> 62.5 % vs 12.5 %; v2 -> 50 % vs 25 % (gap 25 % > 20 %); moving an 8 GiB VM would
    // give 25 % vs 50 %, no narrower: balancing stops there.
    expect(variant.migrations.map((m) => [m.id, m.destination, m.outcome])).toEqual([
      ['balance/v1', 'empty', 'completed'],
      ['balance/v2', 'empty', 'completed'],
    ]);
  });

  it('drain sends each VM to the candidate with the most free memory, big VMs first, ties by name', () => {
    const variant = runSmall({
      hosts: [host('src', '128GiB'), host('b', '32GiB'), host('a', '32GiB'), host('c', '40GiB')],
      vms: [vm('small', 'src', '4GiB'), vm('big', 'src', '16GiB'), vm('mid', 'src', '8GiB'), vm('resident', 'c', '4GiB')],
      migrations: [],
      plans: [{ drain: 'src', at: '1s', order: 'largest-first' }],
      horizon: '200s',
    });
    const destinations = Object.fromEntries(variant.migrations.map((m) => [m.vm, m.destination]));
    expect(destinations).toEqual({ big: 'c', mid: 'a', small: 'b' });
    expect(variant.migrations.map((m) => m.id)).toEqual(['drain-src/big', 'drain-src/mid', 'drain-src/small']);
    expect(variant.migrations.every((m) => m.outcome === 'completed')).toBe(true);
  });
});
