import { describe, expect, it } from 'vitest';
import { renderJson } from '@migsim/report';
import { simulate } from '../simulate';
import { smallScenario, variantOf } from '../testing';

/**
 * A small load study: 8 hosts in 2 racks of 4, 16 VMs of 1 GiB spread over
 * them, the two hosts h-1 and h-2 of rack-1 drained at once with unlimited
 * migration bandwidth, so the network decides how fast they go.
 */
const study = (extra: Record<string, unknown> = {}) =>
  smallScenario({
    horizon: '5m',
    hosts: [{ name: 'h-{i}', count: 8, link: '10Gbps', latency: '50us', memory: '64GiB' }],
    vms: [{ name: 'vm-{i}', count: 16, hosts: 'all', memory: '1GiB', vcpus: 2, workload: { pattern: 'sequential', writeWorkingSet: '50%', dirtyRate: '5MB/s' } }],
    migrations: [],
    policy: { parallelMigrationsPerCluster: 8, parallelOutboundMigrationsPerNode: 2, bandwidthPerMigration: 0 },
    network: { racks: { size: 4, uplink: '2Gbps' } },
    plans: [{ drain: { hosts: 'h-1..h-2' }, at: '1s', order: 'name' }],
    ...extra,
  });

const makespanOf = (variant: ReturnType<typeof variantOf>) => Math.max(...variant.migrations.map((m) => m.attempts.at(-1)!.endMs!));

describe('a load study in the engine', () => {
  it('an oversubscribed rack uplink slows a drain that leaves the rack; same-rack-first keeps it inside and goes faster', () => {
    const report = simulate(
      study({
        variants: [
          { name: 'least-loaded', plans: [{ drain: { hosts: 'h-1..h-2' }, at: '1s', order: 'name', to: 'h-5..h-8' }] },
          { name: 'same-rack', plans: [{ drain: { hosts: 'h-1..h-2' }, at: '1s', order: 'name', destination: 'same-rack-first' }] },
          { name: 'flat', network: { racks: { size: 4, uplink: '40Gbps' } }, plans: [{ drain: { hosts: 'h-1..h-2' }, at: '1s', order: 'name', to: 'h-5..h-8' }] },
        ],
      }),
    );
    const across = variantOf(report, 'least-loaded');
    const inside = variantOf(report, 'same-rack');
    const flat = variantOf(report, 'flat');
    for (const variant of [across, inside, flat]) expect(variant.migrations.map((m) => m.outcome)).toEqual(Array(4).fill('completed'));
    expect(inside.migrations.every((m) => ['h-3', 'h-4'].includes(m.destination))).toBe(true);
    expect(across.migrations.every((m) => ['h-5', 'h-6', 'h-7', 'h-8'].includes(m.destination))).toBe(true);
    // 4 flows leave rack-1 through a 2 Gbps uplink in the first variant; they get 10 Gbps NICs to themselves in the others.
    expect(makespanOf(across)).toBeGreaterThan(2 * makespanOf(flat));
    expect(makespanOf(inside)).toBeLessThan(makespanOf(across) / 2);
    const uplink = across.network!.tiers.find((tier) => tier.tier === 'uplink')!;
    expect(Math.max(...uplink.points.map((point) => point.maxFraction))).toBeCloseTo(1, 3);
    expect(inside.network!.tiers.find((tier) => tier.tier === 'uplink')?.points.every((point) => point.maxFraction === 0) ?? true).toBe(true);
  });

  it('the report carries what the study summary needs: racks, request times, lost work, and the summary agrees with the migrations', () => {
    const report = simulate(study());
    const variant = report.variants[0]!;
    expect(variant.hosts.map((host) => host.rack)).toEqual(['rack-1', 'rack-1', 'rack-1', 'rack-1', 'rack-2', 'rack-2', 'rack-2', 'rack-2']);
    for (const migration of variant.migrations) {
      expect(migration.requestedMs).toBe(1000);
      expect(migration.attempts[0]!.lostWorkVcpuSeconds).toBeGreaterThan(0);
    }
    const summary = report.summary.variants[0]!.study!;
    expect(summary.migrations).toBe(4);
    expect(summary.makespanMs).toBeCloseTo(makespanOf(variant) - 1000, 3);
    expect(summary.totalTimeMs.max).toBeCloseTo(Math.max(...variant.migrations.map((m) => m.attempts[0]!.info['total-time'])), 3);
    // The stop-and-copy pause alone costs 2 vCPUs x the downtime of each migration.
    for (const migration of variant.migrations) expect(migration.attempts[0]!.lostWorkVcpuSeconds!).toBeGreaterThan((2 * migration.attempts[0]!.info.downtime!) / 1000 - 1e-6);
  });

  it('sampling.vms: none keeps no timeline; names keep only theirs; every VM that migrated is still listed; the report shrinks', () => {
    const all = simulate(study({ sampling: { vms: 'all' } }));
    const none = simulate(study({ sampling: { vms: 'none' } }));
    const named = simulate(study({ sampling: { vms: ['vm-1', 'vm-3'] } }));
    expect(all.variants[0]!.vms).toHaveLength(16);
    expect(none.variants[0]!.vms.map((vm) => vm.name)).toEqual(['vm-1', 'vm-2', 'vm-9', 'vm-10']);
    expect(none.variants[0]!.vms.every((vm) => vm.timeline.length === 0)).toBe(true);
    expect(named.variants[0]!.vms.filter((vm) => vm.timeline.length > 0).map((vm) => vm.name)).toEqual(['vm-1']);
    expect(named.variants[0]!.vms.map((vm) => vm.name)).toEqual(['vm-1', 'vm-2', 'vm-3', 'vm-9', 'vm-10']);
    expect(renderJson(none).length).toBeLessThan(renderJson(all).length / 2);
    // What happened is the same: only what the report keeps differs.
    expect(none.variants[0]!.migrations).toEqual(all.variants[0]!.migrations);
  });

  it('anti-affinity: VMs of one group leave a drained host for different hosts', () => {
    const scenario = study({
      vms: [
        { name: 'db-{i}', count: 3, host: 'h-1', memory: '1GiB', antiAffinity: 'db', workload: { dirtyRate: '1MB/s' } },
        { name: 'vm-{i}', count: 8, hosts: 'h-3..h-8', memory: '1GiB', workload: { dirtyRate: '1MB/s' } },
      ],
      network: undefined,
      plans: [{ drain: 'h-1', at: '1s', to: 'h-2..h-3' }],
    });
    const variant = simulate(scenario).variants[0]!;
    expect(variant.migrations.map((m) => [m.vm, m.destination])).toEqual([
      ['db-1', 'h-2'],
      ['db-2', 'h-3'],
    ]);
    expect(variant.events.find((event) => event.kind === 'plan-unplaced')?.subject).toBe('drain-h-1/db-3');
  });

  it('progress follows the migrations, not only the horizon: 90 % once every migration of the drain ended, long before the horizon', () => {
    const seen: number[] = [];
    const scenario = study({ horizon: '1h' });
    const report = simulate(scenario, { onProgress: (fraction) => seen.push(fraction) });
    const lastEndMs = Math.max(...report.variants[0]!.migrations.map((m) => m.attempts.at(-1)!.endMs!));
    expect(lastEndMs).toBeLessThan(0.05 * 3_600_000);
    // By simulated time alone it would take 90 reports (one per 1 % of the horizon) to get there.
    const first = seen.findIndex((fraction) => fraction >= 0.9);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(30);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBe(1);
  });
});
