import { describe, expect, it } from 'vitest';
import { problemLinesOf, scenarioFrom } from './testing';

const GiB = 1024 ** 3;
const hosts = (count: number) => [{ name: 'h-{i}', count, link: '10Gbps', memory: '256GiB' }];
const vms = (count: number, on: string) => [{ name: 'vm-{i}', count, hosts: on, memory: '4GiB', workload: { dirtyRate: '10MB/s' } }];
const load = (patch: Record<string, unknown>) => scenarioFrom({ migrations: [], hosts: hosts(8), vms: vms(16, 'all'), ...patch });

describe('drains of host sets', () => {
  it('drain: { hosts: h-1..h-3 } is one plan emptying three hosts to the others; its migrations are named and can be referenced', () => {
    const scenario = load({
      plans: [{ drain: { hosts: 'h-1..h-3' }, at: '0s' }],
      checks: [{ kind: 'migration-outcome', migration: 'drain-h-1..h-3/vm-9', outcome: 'completed' }],
    });
    expect(scenario.plans).toMatchObject([{ kind: 'drain', id: 'drain-h-1..h-3', hosts: ['h-1', 'h-2', 'h-3'], to: ['h-4', 'h-5', 'h-6', 'h-7', 'h-8'] }]);
  });

  it('a range written as the drain, a rack, and to as a range', () => {
    expect(load({ plans: [{ drain: 'h-1..h-2', at: '0s', to: 'h-7..h-8' }] }).plans[0]).toMatchObject({ id: 'drain-h-1..h-2', hosts: ['h-1', 'h-2'], to: ['h-7', 'h-8'] });
    const racked = load({ network: { racks: { size: 4 } }, plans: [{ drain: 'rack-1', at: '0s', destination: 'same-rack-first' }] });
    expect(racked.plans[0]).toMatchObject({ id: 'drain-rack-1', hosts: ['h-1', 'h-2', 'h-3', 'h-4'], destination: 'same-rack-first' });
  });

  it('count and every declare waves: drain i empties h-{i} at at + (i - 1) x every', () => {
    const plans = load({ horizon: '1h', plans: [{ drain: 'h-{i}', id: 'wave-{i}', count: 3, at: '10s', every: '5m' }] }).plans;
    expect(problemLinesOf({ migrations: [], hosts: hosts(8), vms: vms(16, 'all'), plans: [{ drain: 'h-{i}', count: 3, at: '10s', every: '5m' }] })).toEqual([
      'test.yaml: plans[0].every: found "5m" (the last of 3 drains at 610s), expected a spacing that starts every one before the horizon (1m)',
    ]);
    expect(plans.map((plan) => [plan.id, plan.kind === 'drain' ? plan.hosts : [], plan.atNs / 1e9])).toEqual([
      ['wave-1', ['h-1'], 10],
      ['wave-2', ['h-2'], 310],
      ['wave-3', ['h-3'], 610],
    ]);
  });

  it('order dirty-rate orders by the declared rate and takes no probe; same-rack-first needs racks; to may not hold a drained host', () => {
    expect(load({ plans: [{ drain: 'h-1', at: '0s', order: 'dirty-rate' }] }).plans[0]).toMatchObject({ order: 'dirty-rate', probe: null });
    expect(problemLinesOf({ migrations: [], hosts: hosts(8), vms: vms(16, 'all'), plans: [{ drain: 'h-1', at: '0s', order: 'dirty-rate', probe: 'page-sampling' }] })).toEqual([
      'test.yaml: plans[0].probe: found "page-sampling", expected no probe with order dirty-rate (it orders by the declared dirtyRate; use lowest-dirty-rate to measure)',
    ]);
    expect(problemLinesOf({ migrations: [], hosts: hosts(8), vms: vms(16, 'all'), plans: [{ drain: 'h-1', at: '0s', destination: 'same-rack-first' }] })).toEqual([
      'test.yaml: plans[0].destination: found "same-rack-first", expected least-loaded, or racks in network.racks (same-rack-first needs racks)',
    ]);
    expect(problemLinesOf({ migrations: [], hosts: hosts(8), vms: vms(16, 'all'), plans: [{ drain: { hosts: 'h-1..h-2' }, at: '0s', to: 'h-2..h-4' }] })).toEqual([
      'test.yaml: plans[0].to: found "h-2..h-4", expected hosts other than the drained ones (h-2 is drained)',
    ]);
  });
});

describe('migrations with count', () => {
  it('{i} in id, vm and to; every spaces them', () => {
    const scenario = scenarioFrom({ hosts: hosts(4), vms: [{ name: 'vm-{i}', count: 2, host: 'h-{i}', memory: '4GiB', workload: { dirtyRate: 0 } }], migrations: [{ id: 'm-{i}', count: 2, vm: 'vm-{i}', to: 'h-{i}', at: '1s', every: '2s' }].map((m) => ({ ...m, to: 'h-4' })) });
    expect(scenario.migrations.map((m) => [m.id, m.vm, m.to, m.atNs / 1e9])).toEqual([
      ['m-1', 'vm-1', 'h-4', 1],
      ['m-2', 'vm-2', 'h-4', 3],
    ]);
  });

  it('a count needs {i} in the id; {i} without count is refused', () => {
    expect(problemLinesOf({ hosts: hosts(4), vms: vms(2, 'h-1'), migrations: [{ id: 'm', count: 2, vm: 'vm-{i}', to: 'h-3', at: '1s' }] })[0]).toBe(
      'test.yaml: migrations[0].id: found "m", expected an id template with {i} (each migration of a count needs its own id)',
    );
    expect(problemLinesOf({ hosts: hosts(4), vms: vms(2, 'h-1'), migrations: [{ id: 'm-{i}', vm: 'vm-1', to: 'h-3', at: '1s' }] })).toEqual([
      'test.yaml: migrations[0].id: found "m-{i}", expected a name without {i} (add count to declare several migrations)',
    ]);
  });
});

describe('the network section', () => {
  it('racks of size 3 take the hosts in file order; uplinks are the NIC sum / oversubscription unless written', () => {
    const network = load({ network: { racks: { size: 3 }, oversubscription: 4, latency: { rack: '5us', core: '20us' }, core: '40Gbps' } }).network!;
    expect(network.racks.map((rack) => [rack.name, rack.hosts.join(' '), rack.uplinkBytesPerSec * 8 / 1e9])).toEqual([
      ['rack-1', 'h-1 h-2 h-3', 7.5],
      ['rack-2', 'h-4 h-5 h-6', 7.5],
      ['rack-3', 'h-7 h-8', 5],
    ]);
    expect(network).toMatchObject({ coreBytesPerSec: 5e9, rackLatencyNs: 5_000, coreLatencyNs: 20_000, backgroundFraction: 0, migrationNetwork: null });
    expect(load({ network: { racks: { size: 4, uplink: '25Gbps' } } }).network!.racks[0]!.uplinkBytesPerSec).toBe(25e9 / 8);
  });

  it('listed racks, a dedicated migration network with its own uplinks, background traffic', () => {
    const network = load({
      network: { racks: [{ name: 'a', hosts: 'h-1..h-4' }, { name: 'b', hosts: ['h-5', 'h-6'] }], background: '30%', migrationNetwork: { link: '25Gbps', oversubscription: 2 } },
    }).network!;
    expect(network.racks.map((rack) => [rack.name, rack.hosts.length, rack.migrationUplinkBytesPerSec! * 8 / 1e9])).toEqual([
      ['a', 4, 50],
      ['b', 2, 25],
    ]);
    expect(network).toMatchObject({ backgroundFraction: 0.3, migrationNetwork: { linkBytesPerSec: 25e9 / 8, coreBytesPerSec: null } });
  });

  it('a variant overrides network keys (a dedicated network on, oversubscription changed)', () => {
    const scenario = load({ network: { racks: { size: 4 }, oversubscription: 4 }, variants: [{ name: 'flat', network: { oversubscription: 1 } }, { name: 'dedicated', network: { migrationNetwork: { link: '25Gbps' } } }] });
    expect(scenario.variants.map((variant) => [variant.name, variant.network!.racks[0]!.uplinkBytesPerSec * 8 / 1e9, variant.network!.migrationNetwork?.linkBytesPerSec ?? null])).toEqual([
      ['flat', 40, null],
      ['dedicated', 10, 25e9 / 8],
    ]);
  });

  it('problems: a host in two racks, a rack named like a host, all background', () => {
    expect(problemLinesOf({ migrations: [], hosts: hosts(8), vms: vms(2, 'h-1'), network: { racks: [{ name: 'a', hosts: 'h-1..h-4' }, { name: 'h-8', hosts: 'h-4..h-5' }], background: '100%' } })).toEqual([
      'test.yaml: network.background: found "100%", expected a share below 100% (migrations need some of each link)',
      'test.yaml: network.racks[1].name: found "h-8", expected a rack name that is not also a host name (host sets accept both)',
      'test.yaml: network.racks[1].hosts: found "h-4", expected hosts in one rack only (h-4 is already in a)',
    ]);
  });
});

describe('sampling.vms', () => {
  it('defaults to all VMs for a small scenario and to the interesting ones for a study', () => {
    expect(load({}).sampling.vms).toBe('all');
    expect(scenarioFrom({ migrations: [], hosts: hosts(8), vms: vms(101, 'all') }).sampling.vms).toBe('interesting');
  });

  it('names and ranges are resolved; an unknown VM is refused', () => {
    expect(load({ sampling: { vms: ['vm-2..vm-4', 'vm-10'] } }).sampling.vms).toEqual({ names: ['vm-2', 'vm-3', 'vm-4', 'vm-10'] });
    expect(load({ sampling: { vms: 'none' } }).sampling.vms).toBe('none');
    expect(problemLinesOf({ migrations: [], hosts: hosts(8), vms: vms(16, 'all'), sampling: { vms: 'vm-20' } })[0]).toMatch(/^test\.yaml: sampling\.vms: found "vm-20", expected a VM declared in vms/);
  });
});

describe('a 500-host study is a short file', () => {
  it('500 hosts in 25 racks, 5,000 VMs with drawn memory and rates, 50 hosts drained: loads with every VM placed', () => {
    const scenario = scenarioFrom({
      migrations: [],
      hosts: [{ name: 'h-{i}', count: 500, link: '10Gbps', memory: '512GiB' }],
      network: { racks: { size: 20 }, oversubscription: 4 },
      vms: [{ name: 'vm-{i}', count: 5000, hosts: 'all', memory: { min: '2GiB', max: '16GiB' }, workload: { pattern: 'sequential', writeWorkingSet: '90%', dirtyRate: { min: '1MB/s', max: '20MB/s' } } }],
      plans: [{ drain: { hosts: 'h-1..h-50' }, at: '0s' }],
    });
    expect(scenario.hosts).toHaveLength(500);
    expect(scenario.network!.racks).toHaveLength(25);
    expect(scenario.vms).toHaveLength(5000);
    expect(scenario.vms.filter((vm) => vm.host === 'h-1')).toHaveLength(10);
    const total = scenario.vms.reduce((sum, vm) => sum + vm.memoryBytes, 0) / GiB;
    expect(total).toBeGreaterThan(5000 * 8);
    expect(total).toBeLessThan(5000 * 10);
  });
});
