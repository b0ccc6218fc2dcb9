import { describe, expect, it } from 'vitest';
import { compareNatural, sortNatural } from '@migsim/orchestration';
import { expandRange, parseNameSetItem } from './generate/name-ranges';
import { problemLinesOf, scenarioFrom } from './testing';

const GiB = 1024 ** 3;
const MB = 1e6;

const hosts = (count: number, memory = '256GiB') => [{ name: 'h-{i}', count, link: '10Gbps', memory }];
const vmEntry = (extra: Record<string, unknown>) => ({ name: 'vm-{i}', memory: '4GiB', workload: { dirtyRate: '10MB/s' }, ...extra });
const load = (patch: Record<string, unknown>) => scenarioFrom({ migrations: [], ...patch });

describe('natural name order', () => {
  it('puts h-2 before h-10 and keeps a total order for padded names', () => {
    expect(sortNatural(['h-10', 'h-2', 'h-1', 'g-3', 'h-02'])).toEqual(['g-3', 'h-1', 'h-02', 'h-2', 'h-10']);
    expect(compareNatural('vm-9', 'vm-10')).toBeLessThan(0);
    expect(compareNatural('rack-1/h-9', 'rack-1/h-9')).toBe(0);
  });
});

describe('name ranges', () => {
  it('h-1..h-20 and h-1..20 are the same twenty names, in numeric order; padding is kept', () => {
    const full = parseNameSetItem('h-1..h-20');
    const short = parseNameSetItem('h-1..20');
    expect(full).toEqual(short);
    expect(full.kind === 'range' && expandRange(full)).toEqual(Array.from({ length: 20 }, (_, i) => `h-${i + 1}`));
    const padded = parseNameSetItem('h-008..h-011');
    expect(padded.kind === 'range' && expandRange(padded)).toEqual(['h-008', 'h-009', 'h-010', 'h-011']);
  });

  it('a backwards range or one whose ends differ in prefix is refused with the reason', () => {
    expect(parseNameSetItem('h-5..h-2')).toMatchObject({ kind: 'error', expected: expect.stringContaining('at least its first (5)') });
    expect(parseNameSetItem('h-1..g-5')).toMatchObject({ kind: 'error', expected: expect.stringContaining('share the prefix "h-"') });
  });
});

describe('generated VMs: hosts and placement', () => {
  it('hosts: h-1..h-4 places 10 VMs round-robin: VM k on host k mod 4', () => {
    const scenario = load({ hosts: hosts(4), vms: [vmEntry({ count: 10, hosts: 'h-1..h-4' })] });
    expect(scenario.vms.map((vm) => vm.host)).toEqual(['h-1', 'h-2', 'h-3', 'h-4', 'h-1', 'h-2', 'h-3', 'h-4', 'h-1', 'h-2']);
  });

  it('host: h-{i} puts VM i on host i', () => {
    const scenario = load({ hosts: hosts(3), vms: [vmEntry({ count: 3, host: 'h-{i}' })] });
    expect(scenario.vms.map((vm) => `${vm.name}@${vm.host}`)).toEqual(['vm-1@h-1', 'vm-2@h-2', 'vm-3@h-3']);
  });

  it('packed fills each host before the next, counting the VMs placed by earlier entries', () => {
    const scenario = load({
      hosts: hosts(3, '16GiB'),
      vms: [{ name: 'big', host: 'h-1', memory: '8GiB', workload: { dirtyRate: 0 } }, vmEntry({ count: 5, hosts: 'all', placement: 'packed' })],
    });
    expect(scenario.vms.slice(1).map((vm) => vm.host)).toEqual(['h-1', 'h-1', 'h-2', 'h-2', 'h-2']);
  });

  it('random placement draws from the seed: the same file places alike, another seed differently, never past a host\'s memory', () => {
    const patch = (seed: number) => ({ seed, hosts: hosts(20, '64GiB'), vms: [vmEntry({ count: 200, hosts: 'h-1..h-20', placement: 'random', memory: { min: '2GiB', max: '8GiB' } })] });
    const first = load(patch(7)).vms.map((vm) => vm.host);
    expect(load(patch(7)).vms.map((vm) => vm.host)).toEqual(first);
    expect(load(patch(8)).vms.map((vm) => vm.host)).not.toEqual(first);
    const used = new Map<string, number>();
    for (const vm of load(patch(7)).vms) used.set(vm.host, (used.get(vm.host) ?? 0) + vm.memoryBytes);
    expect(Math.max(...used.values())).toBeLessThanOrEqual(64 * GiB);
    expect(new Set(first).size).toBe(20);
  });

  it('a rack name in a host set means its hosts', () => {
    const scenario = load({ hosts: hosts(6), network: { racks: { size: 3 } }, vms: [vmEntry({ count: 4, hosts: 'rack-2' })] });
    expect(scenario.vms.map((vm) => vm.host)).toEqual(['h-4', 'h-5', 'h-6', 'h-4']);
  });

  it('problems: placement without hosts, a host template without count, a range of undeclared hosts, no room left', () => {
    expect(problemLinesOf({ migrations: [], hosts: hosts(2), vms: [vmEntry({ count: 2, host: 'h-1', placement: 'packed' })] })).toEqual([
      'test.yaml: vms[0].placement: found "packed", expected no placement without hosts (it spreads the VMs over a host set)',
    ]);
    expect(problemLinesOf({ migrations: [], hosts: hosts(2), vms: [vmEntry({ name: 'vm-1', host: 'h-{i}' })] })).toEqual([
      'test.yaml: vms[0].host: found "h-{i}", expected a host name without {i} (add count to place VM number i on host {i})',
    ]);
    expect(problemLinesOf({ migrations: [], hosts: hosts(3), vms: [vmEntry({ count: 2, hosts: 'h-2..h-5' })] })).toEqual([
      'test.yaml: vms[0].hosts: found "h-2..h-5", expected a range of declared hosts (h-4, h-5 are not declared)',
    ]);
    expect(problemLinesOf({ migrations: [], hosts: hosts(2, '8GiB'), vms: [vmEntry({ count: 5, hosts: 'all', placement: 'packed' })] })).toEqual([
      'test.yaml: vms[0].hosts: found "all", expected hosts with room for vm-5 (4GiB): the 2 host(s) of the set are full',
    ]);
  });
});

describe('generated VMs: values drawn per VM from the seed', () => {
  const drawn = (seed = 1) =>
    load({
      seed,
      hosts: hosts(10, '1TiB'),
      vms: [
        vmEntry({
          count: 300,
          hosts: 'all',
          memory: { min: '2GiB', max: '16GiB' },
          vcpus: { choices: [1, 2, 4] },
          workload: { pattern: 'sequential', workingSet: '90%', writeWorkingSet: { min: '25%', max: '100%' }, dirtyRate: { min: '1MB/s', max: '20MB/s' } },
        }),
      ],
    }).vms;

  it('memory in whole GiB between min and max, vCPUs among the choices, rates within bounds, every value reached', () => {
    const vms = drawn();
    const memories = new Set(vms.map((vm) => vm.memoryBytes / GiB));
    expect([...memories].every((g) => Number.isInteger(g) && g >= 2 && g <= 16)).toBe(true);
    expect(memories.size).toBe(15);
    expect(new Set(vms.map((vm) => vm.vcpus))).toEqual(new Set([1, 2, 4]));
    const rates = vms.map((vm) => vm.workload.dirtyRateBytesPerSec);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(1 * MB);
    expect(Math.max(...rates)).toBeLessThanOrEqual(20 * MB);
    expect(rates.every(Number.isInteger)).toBe(true);
  });

  it('percents are of the VM\'s memory (workingSet) and of the working set (writeWorkingSet), in whole pages', () => {
    for (const vm of drawn()) {
      expect(vm.workload.workingSetBytes).toBe(Math.floor((vm.memoryBytes * 0.9) / 4096) * 4096);
      expect(vm.workload.writeWorkingSetBytes % 4096).toBe(0);
      expect(vm.workload.writeWorkingSetBytes).toBeGreaterThanOrEqual(Math.floor(vm.workload.workingSetBytes / 4) - 4096);
      expect(vm.workload.writeWorkingSetBytes).toBeLessThanOrEqual(vm.workload.workingSetBytes);
    }
  });

  it('the same file and seed draw the same VMs; a VM keeps its values when another VM is added', () => {
    expect(drawn()).toEqual(drawn());
    expect(drawn(2).map((vm) => vm.memoryBytes)).not.toEqual(drawn().map((vm) => vm.memoryBytes));
    const one = load({ hosts: hosts(2), vms: [vmEntry({ count: 3, host: 'h-1', memory: { min: '1GiB', max: '64GiB' } })] }).vms;
    const more = load({ hosts: hosts(2), vms: [vmEntry({ count: 5, host: 'h-1', memory: { min: '1GiB', max: '64GiB' } })] }).vms;
    expect(more.slice(0, 3)).toEqual(one);
  });

  it('step sets the granularity; choices are all drawn', () => {
    const vms = load({ hosts: hosts(2, '2TiB'), vms: [vmEntry({ count: 100, host: 'h-1', memory: { min: '2GiB', max: '10GiB', step: '4GiB' } })] }).vms;
    expect(new Set(vms.map((vm) => vm.memoryBytes / GiB))).toEqual(new Set([2, 6, 10]));
  });

  it('problems: max missing, max below min, a drawn memory too big for its host (quoted with the VM it was drawn for)', () => {
    expect(problemLinesOf({ migrations: [], hosts: hosts(1), vms: [vmEntry({ count: 2, host: 'h-1', memory: { min: '2GiB' } })] })).toEqual([
      'test.yaml: vms[0].memory.max: found nothing, expected the largest value, written with min',
    ]);
    expect(problemLinesOf({ migrations: [], hosts: hosts(1), vms: [vmEntry({ count: 2, host: 'h-1', memory: { min: '8GiB', max: '2GiB' } })] })).toEqual([
      'test.yaml: vms[0].memory.max: found "2GiB", expected at least min',
    ]);
    const lines = problemLinesOf({ migrations: [], hosts: hosts(1, '12GiB'), vms: [vmEntry({ count: 40, host: 'h-1', memory: { min: '1GiB', max: '32GiB' } })] });
    expect(lines[0]).toMatch(/^test\.yaml: vms\[0\]\.memory: found \d+GiB \(drawn for vm-\d+\), expected at most 12GiB, the memory of host h-1$/);
  });
});
