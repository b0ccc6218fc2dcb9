import { describe, expect, it } from 'vitest';
import { workloadSpec } from '@migsim/guest';
import { migrationParameters } from '@migsim/migration';
import { KERNEL_PRESETS, kernelProfile } from '@migsim/mmu';
import { toMigrationParameters } from './model/migration-parameters';
import { minimalScenarioDocument, scenarioFrom } from './testing';

const GiB = 1024 ** 3;
const baseVm = (): Record<string, unknown> => ({ ...(minimalScenarioDocument()['vms'] as Record<string, unknown>[])[0] });

describe('defaults: what a minimal file means', () => {
  const scenario = scenarioFrom();

  it('top level: seed 1, samples every second, at most 1000 points, no description', () => {
    expect(scenario.seed).toBe(1);
    expect(scenario.description).toBe('');
    expect(scenario.horizonNs).toBe(60e9);
    expect(scenario.sampling).toEqual({ intervalNs: 1e9, maxTimelinePoints: 1000, vms: 'all' });
    expect(scenario.fileName).toBe('test.yaml');
  });

  it('a host: 0.1 ms latency, 64 vCPUs, a Skylake TLB and the kernelProfile() defaults of libs/mmu', () => {
    expect(scenario.hosts[0]).toEqual({
      name: 'src-1',
      linkBytesPerSec: 1.25e9,
      latencyNs: 100_000,
      memoryBytes: 64 * GiB,
      vcpus: 64,
      tlbProfile: 'skylake-server',
      kernel: { preset: null, ...kernelProfile() },
    });
    expect(kernelProfile()).toEqual({
      mmu: 'tdp',
      pml: true,
      eagerSplit: false,
      initiallySet: false,
      recovery: 'zap-rmap',
      hugeWriteUnderLogging: 'split-in-place',
      maxHardwareLevel: 3,
    });
  });

  it('a host without memory gets 1 TiB', () => {
    expect(scenarioFrom({ hosts: [{ name: 'src-1', link: '1Gbps' }, { name: 'dst-1', link: '1Gbps' }] }).hosts[0]?.memoryBytes).toBe(1024 * GiB);
  });

  it("a VM: THP-backed, nothing split, and the workload @migsim/guest's workloadSpec() makes of the same few keys", () => {
    const vm = scenarioFrom({ vms: [{ name: 'vm-1', host: 'src-1', memory: '4GiB', workload: { dirtyRate: '1MB/s' } }] }).vms[0];
    expect(vm).toMatchObject({ name: 'vm-1', host: 'src-1', memoryBytes: 4 * GiB, vcpus: 4, backing: 'thp', thpSplitFraction: 0 });
    const { vcpus = 0, memoryBytes = 0, workload } = vm ?? {};
    expect({ vcpus, memoryBytes, ...workload }).toEqual(workloadSpec({ memoryBytes: 4 * GiB, dirtyRateBytesPerSec: 1e6 }));
    expect(workload).toEqual({
      pattern: 'uniform',
      workingSetBytes: 4 * GiB,
      writeWorkingSetBytes: GiB,
      dirtyRateBytesPerSec: 1e6,
      writeFraction: 0.3,
      accessesPerSecPerVcpu: 10_000_000,
      zipfExponent: 1,
      hotFraction: 0.1,
      hotAccessShare: 0.9,
      guestThpFraction: 0.5,
    });
  });

  it('the write working set defaults to a quarter of the working set, as in @migsim/guest', () => {
    const vm = scenarioFrom({ vms: [{ ...baseVm(), workload: { workingSet: '2GiB', dirtyRate: '1MB/s' } }] }).vms[0];
    expect(vm?.workload.writeWorkingSetBytes).toBe(512 * 1024 ** 2);
  });

  it("a migration: QEMU's defaults (300 ms downtime, 128 MiB/s, throttle 20/+10/99, no capabilities)", () => {
    expect(scenario.migrations[0]).toEqual({
      id: 'm1',
      vm: 'vm-1',
      to: 'dst-1',
      atNs: 5e9,
      params: {
        downtimeLimitNs: 300e6,
        maxBandwidthBytesPerSec: 128 * 1024 ** 2,
        cpuThrottleInitialPct: 20,
        cpuThrottleIncrementPct: 10,
        maxCpuThrottlePct: 99,
        autoConverge: false,
        postcopyRam: false,
        postcopyAfter: null,
        postcopyRecovery: false,
        algorithm: 'qemu-precopy',
      },
    });
  });

  it("the policy: KubeVirt's caps 5 per cluster and 2 per node, 150 s per GiB, 150 s without progress, abort, no retry", () => {
    expect(scenario.policy).toEqual({
      parallelMigrationsPerCluster: 5,
      parallelOutboundMigrationsPerNode: 2,
      parallelInboundMigrationsPerNode: null,
      bandwidthPerMigrationBytesPerSec: null,
      completionTimeoutNsPerGiB: 150e9,
      progressTimeoutNs: 150e9,
      allowAutoConverge: false,
      allowPostCopy: false,
      allowWorkloadDisruption: false,
      liveMigrationTimeoutAction: 'abort',
      completionTimeoutAction: 'abort',
      downtimeSteps: null,
      retries: { max: 0, backoffNs: 10e9, multiplier: 2, maxBackoffNs: 300e9 },
    });
  });

  it('a file without variants runs one variant, "default", equal to the base setup', () => {
    const { name, description, ...setup } = scenario.variants[0] ?? { name: '', description: '' };
    expect(scenario.variants).toHaveLength(1);
    expect({ name, description }).toEqual({ name: 'default', description: '' });
    const { hosts, vms, migrations, plans, probes, policy, faults, checks } = scenario;
    expect(setup).toEqual({ hosts, vms, migrations, plans, probes, policy, faults, checks });
  });

  it('the scenario is plain data: it survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(scenario))).toEqual(scenario);
  });

  it('defaults are copies: changing one loaded scenario does not change the next', () => {
    const first = scenarioFrom();
    first.policy.retries.max = 99;
    if (first.hosts[0]) first.hosts[0].kernel.recovery = 'none';
    const second = scenarioFrom();
    expect(second.policy.retries.max).toBe(0);
    expect(second.hosts[0]?.kernel.recovery).toBe('zap-rmap');
  });
});

describe('defaults: resolution between related fields', () => {
  it('shadow paging turns PML and in-place splitting off by default', () => {
    const hosts = [{ name: 'src-1', link: '1Gbps', kernel: { mmu: 'shadow' } }, { name: 'dst-1', link: '1Gbps' }];
    expect(scenarioFrom({ hosts }).hosts[0]?.kernel).toMatchObject({ mmu: 'shadow', pml: false, hugeWriteUnderLogging: 'drop' });
  });

  it("a preset gives @migsim/mmu's values for that kernel, and keys written next to it win", () => {
    const hosts = [
      { name: 'src-1', link: '1Gbps', kernel: { preset: 'linux-6.13', eagerSplit: false, maxHardwareLevel: '2m' } },
      { name: 'dst-1', link: '1Gbps', kernel: { preset: 'linux-4.0' } },
    ];
    const [src, dst] = scenarioFrom({ hosts }).hosts;
    expect(src?.kernel).toEqual({ ...KERNEL_PRESETS['linux-6.13'], preset: 'linux-6.13', eagerSplit: false, maxHardwareLevel: 2 });
    expect(src?.kernel).toMatchObject({ recovery: 'recover-in-place', hugeWriteUnderLogging: 'split-in-place' });
    expect(dst?.kernel).toEqual({ ...KERNEL_PRESETS['linux-4.0'], preset: 'linux-4.0' });
    expect(dst?.kernel).toMatchObject({ recovery: 'none', hugeWriteUnderLogging: 'drop' });
  });

  it("bandwidthPerMigration caps migrations that set no max-bandwidth; a migration's own value wins; 0 means unlimited", () => {
    const migrations = [
      { id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s' },
      { id: 'm2', vm: 'vm-1', to: 'src-1', at: '20s', params: { 'max-bandwidth': '1GiB/s' } },
      { id: 'm3', vm: 'vm-1', to: 'dst-1', at: '40s', params: { 'max-bandwidth': 0 } },
    ];
    const scenario = scenarioFrom({ migrations, policy: { bandwidthPerMigration: '64MiB/s' } });
    expect(scenario.migrations.map((migration) => migration.params.maxBandwidthBytesPerSec)).toEqual([64 * 1024 ** 2, GiB, null]);
    expect(scenarioFrom({ policy: { bandwidthPerMigration: 0 } }).migrations[0]?.params.maxBandwidthBytesPerSec).toBeNull();
  });

  it('allowAutoConverge and allowPostCopy turn the capabilities on unless the migration says otherwise', () => {
    const migrations = [
      { id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s' },
      { id: 'm2', vm: 'vm-1', to: 'src-1', at: '20s', params: { 'auto-converge': false } },
    ];
    const scenario = scenarioFrom({ migrations, policy: { allowAutoConverge: true, allowPostCopy: true } });
    expect(scenario.migrations.map((migration) => [migration.params.autoConverge, migration.params.postcopyRam])).toEqual([
      [true, true],
      [false, true],
    ]);
  });

  it('a peer algorithm does not inherit QEMU capabilities from the policy', () => {
    const migrations = [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s', params: { algorithm: 'simgrid' } }];
    expect(scenarioFrom({ migrations, policy: { allowAutoConverge: true } }).migrations[0]?.params.autoConverge).toBe(false);
  });

  it("the completion timeout forces completion with Nova's force_complete or KubeVirt's allowWorkloadDisruption", () => {
    expect(scenarioFrom({ policy: { live_migration_timeout_action: 'force_complete' } }).policy.completionTimeoutAction).toBe('force_complete');
    expect(scenarioFrom({ policy: { allowWorkloadDisruption: true } }).policy.completionTimeoutAction).toBe('force_complete');
  });

  it("writing one of Nova's downtime keys turns stepping on with Nova's defaults for the others", () => {
    expect(scenarioFrom({ policy: { live_migration_downtime_steps: 5 } }).policy.downtimeSteps).toEqual({ maxDowntimeNs: 500e6, steps: 5, delayNsPerGiB: 75e9 });
  });

  it('postcopy-after takes a duration or a round', () => {
    const migrations = [
      { id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s', params: { 'postcopy-ram': true, 'postcopy-after': '30s' } },
      { id: 'm2', vm: 'vm-1', to: 'src-1', at: '20s', params: { 'postcopy-ram': true, 'postcopy-after': { round: 2 } } },
    ];
    expect(scenarioFrom({ migrations }).migrations.map((migration) => migration.params.postcopyAfter)).toEqual([
      { type: 'elapsed', afterNs: 30e9 },
      { type: 'round', round: 2 },
    ]);
  });

  it("a migration's parameters become @migsim/migration's, under QEMU's names and units", () => {
    const migrations = [
      { id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s', params: { 'downtime-limit': '500ms', 'auto-converge': true } },
      { id: 'm2', vm: 'vm-1', to: 'src-1', at: '20s', params: { 'max-bandwidth': 0 } },
    ];
    const [first, second] = scenarioFrom({ migrations }).migrations.map((migration) => migrationParameters(toMigrationParameters(migration.params)));
    expect(first).toMatchObject({
      algorithm: 'qemu-precopy',
      'downtime-limit': 500,
      'max-bandwidth': 134217728,
      'cpu-throttle-initial': 20,
      'cpu-throttle-increment': 10,
      'max-cpu-throttle': 99,
      capabilities: { 'auto-converge': true, 'postcopy-ram': false },
      'postcopy-recovery': false,
    });
    expect(second?.['max-bandwidth']).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('defaults: generated entries', () => {
  it('count declares VMs vm-1..vm-N, or fills a {i} template', () => {
    const vms = [
      { ...baseVm(), name: 'web', count: 3 },
      { ...baseVm(), name: 'db-{i}-a', count: 2 },
    ];
    expect(scenarioFrom({ vms, migrations: [] }).vms.map((vm) => vm.name)).toEqual(['web-1', 'web-2', 'web-3', 'db-1-a', 'db-2-a']);
  });

  it('count declares hosts too', () => {
    const hosts = [{ name: 'src-1', link: '1Gbps' }, { name: 'dst-{i}', count: 2, link: '1Gbps' }];
    expect(scenarioFrom({ hosts }).hosts.map((host) => host.name)).toEqual(['src-1', 'dst-1', 'dst-2']);
  });

  it('a drain plan defaults to every other host, VM name order, and names its migrations <plan>/<vm>', () => {
    const faults = [{ kind: 'destination-crash', when: { migration: 'drain-src-1/vm-1', phase: 'setup' } }];
    const plans = [{ drain: 'src-1', at: '5s', to: ['dst-1'] }];
    const scenario = scenarioFrom({ migrations: [], plans, faults });
    expect(scenario.plans[0]).toMatchObject({ kind: 'drain', id: 'drain-src-1', hosts: ['src-1'], to: ['dst-1'], order: 'name', destination: 'least-loaded', probe: null });
    expect(scenario.faults[0]).toMatchObject({ host: 'dst-1', trigger: { type: 'phase', migration: 'drain-src-1/vm-1', phase: 'setup', round: null, afterNs: 0 } });
    expect(scenarioFrom({ migrations: [], plans: [{ drain: 'src-1', at: '5s' }] }).plans[0]).toMatchObject({ to: ['dst-1'] });
  });

  it('a dirty-rate drain order measures with page sampling unless told otherwise', () => {
    expect(scenarioFrom({ plans: [{ drain: 'src-1', at: '5s', order: 'lowest-dirty-rate' }] }).plans[0]).toMatchObject({ probe: 'page-sampling' });
  });

  it('faults default to the migration that triggers them: its destination, its path, round 1, until the horizon', () => {
    const faults = [
      { kind: 'destination-crash', when: { migration: 'm1', phase: 'round' } },
      { kind: 'latency', latency: '5ms', when: { migration: 'm1', phase: 'round', round: 2, after: '1s' } },
      { kind: 'migration-cancel', when: { migration: 'm1', phase: 'stop-and-copy' } },
    ];
    const [crash, latency, cancel] = scenarioFrom({ faults }).faults;
    expect(crash).toEqual({
      kind: 'destination-crash',
      index: 0,
      description: '',
      trigger: { type: 'phase', migration: 'm1', phase: 'round', round: 1, afterNs: 0 },
      host: 'dst-1',
      durationNs: null,
    });
    expect(latency).toMatchObject({ link: { type: 'path', from: 'src-1', to: 'dst-1' }, latencyNs: 5e6, trigger: { round: 2, afterNs: 1e9 } });
    expect(cancel).toMatchObject({ kind: 'migration-cancel', migration: 'm1' });
  });

  it('probes and checks get readable generated names', () => {
    const probes = [{ vm: 'vm-1', at: '1s', duration: '2s', mode: 'page-sampling' }, { vm: 'vm-1', at: '10s', duration: '2s', mode: 'dirty-bitmap' }];
    const checks = [{ kind: 'recovers', vm: 'vm-1', within: '90s' }, { kind: 'downtime-within-budget' }, { kind: 'migration-outcome', migration: 'm1', outcome: 'completed', name: 'm1 completes' }];
    const scenario = scenarioFrom({ probes, checks });
    expect(scenario.probes.map((probe) => probe.id)).toEqual(['probe-vm-1-1', 'probe-vm-1-2']);
    expect(scenario.checks.map((check) => check.name)).toEqual(['recovers: vm-1 to 95% within 90s', 'downtime-within-budget', 'm1 completes']);
    expect(scenario.checks[0]).toMatchObject({ toFraction: 0.95, withinNs: 90e9, variants: null });
  });
});

describe('defaults: variants', () => {
  it("a variant's overrides merge into the named entries and leave the rest as written", () => {
    const hosts = [{ name: 'src-1', link: '1Gbps', memory: '64GiB', kernel: { preset: 'linux-4.1', eagerSplit: true } }, { name: 'dst-1', link: '1Gbps' }];
    const variants = [
      { name: 'in-place', hosts: { 'src-1': { kernel: { recovery: 'recover-in-place' } } }, policy: { retries: { max: 2 } } },
      { name: 'no-faults', faults: [] },
    ];
    const faults = [{ kind: 'migration-cancel', at: '10s', migration: 'm1' }];
    const scenario = scenarioFrom({ hosts, variants, faults });
    const [inPlace, noFaults] = scenario.variants;
    expect(inPlace?.hosts[0]?.kernel).toMatchObject({ preset: 'linux-4.1', eagerSplit: true, recovery: 'recover-in-place' });
    expect(inPlace?.hosts[1]).toEqual(scenario.hosts[1]);
    expect(inPlace?.policy.retries).toEqual({ ...scenario.policy.retries, max: 2 });
    expect(inPlace?.faults).toEqual(scenario.faults);
    expect(noFaults?.faults).toEqual([]);
    expect(scenario.hosts[0]?.kernel.recovery).toBe('zap-rmap');
  });
});
