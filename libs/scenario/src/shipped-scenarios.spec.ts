import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateWorkload, workloadSpec } from '@migsim/guest';
import { migrationParameters } from '@migsim/migration';
import { kernelProfile } from '@migsim/mmu';
import { describe, expect, it } from 'vitest';
import { toMigrationParameters } from './model/migration-parameters';
import { loadScenario } from './load-scenario';
import type { Scenario } from './model/scenario';

const SCENARIOS_DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const files = readdirSync(SCENARIOS_DIR).filter((file) => file.endsWith('.yaml')).sort();
const load = (file: string): Scenario => loadScenario(readFileSync(`${SCENARIOS_DIR}${file}`, 'utf8'), `scenarios/${file}`);
const GiB = 1024 ** 3;

describe('shipped scenarios', () => {
  it('are the ones scenarios/README.md documents, each with a row of its own', () => {
    const readme = readFileSync(`${SCENARIOS_DIR}README.md`, 'utf8');
    const documented = [...readme.matchAll(/^\| \[([a-z-]+\.yaml)\]/gm)].map((match) => match[1]).sort();
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(documented).toEqual(files);
  });

  it.each(files)('%s loads, and its name is its file name', (file) => {
    expect(load(file).name).toBe(file.replace(/\.yaml$/, ''));
  });

  it.each(files)('%s opens with a comment saying what it shows and what to look at', (file) => {
    const header = readFileSync(`${SCENARIOS_DIR}${file}`, 'utf8').split('\n').filter((line) => line.startsWith('#')).join('\n');
    expect(header).toMatch(/^# [a-z-]+ — /);
    expect(header).toContain('What it shows');
    expect(header).toMatch(/What to look at/);
  });

  it.each(files)('%s: every variant is accepted as it is by @migsim/mmu, @migsim/guest and @migsim/migration', (file) => {
    for (const variant of load(file).variants) {
      for (const host of variant.hosts) {
        const { preset: _preset, ...profile } = host.kernel;
        expect(kernelProfile(profile)).toEqual(profile);
      }
      for (const vm of variant.vms) {
        const spec = { vcpus: vm.vcpus, memoryBytes: vm.memoryBytes, ...vm.workload };
        expect(() => validateWorkload(spec)).not.toThrow();
        expect(workloadSpec(spec)).toEqual(spec);
      }
      for (const params of [...variant.migrations.map((migration) => migration.params), ...variant.plans.map((plan) => plan.params)]) {
        expect(() => migrationParameters(toMigrationParameters(params))).not.toThrow();
      }
    }
  });

  it('scenarios/README.md lists every one of them', () => {
    const readme = readFileSync(`${SCENARIOS_DIR}README.md`, 'utf8');
    for (const file of files) expect(readme).toContain(`(${file})`);
  });
});

describe('the flagship: failed-migration-recovery', () => {
  const scenario = load('failed-migration-recovery.yaml');

  it('runs the five recovery strategies side by side, in kernel history order', () => {
    expect(scenario.variants.map((variant) => [variant.name, variant.hosts[0]?.kernel.recovery])).toEqual([
      ['none', 'none'],
      ['zap-rmap', 'zap-rmap'],
      ['zap-max-level', 'zap-max-level'],
      ['zap-tdp', 'zap-tdp'],
      ['recover-in-place', 'recover-in-place'],
    ]);
  });

  it('changes nothing between variants but the source kernel recovery strategy', () => {
    const strip = ({ name: _name, description: _description, ...setup }: Scenario['variants'][number]) => ({
      ...setup,
      hosts: setup.hosts.map((host) => ({ ...host, kernel: { ...host.kernel, recovery: 'any' } })),
    });
    const [first, ...others] = scenario.variants.map(strip);
    for (const other of others) expect(other).toEqual(first);
  });

  it('is the seed case: 16 GiB of THP on a 1 Gbps link, a 25 MB/s sequential writer, the destination crashing in round 3', () => {
    expect(scenario.vms[0]).toMatchObject({ memoryBytes: 16 * GiB, backing: 'thp', workload: { pattern: 'sequential', dirtyRateBytesPerSec: 25e6 } });
    expect(scenario.hosts.map((host) => host.linkBytesPerSec)).toEqual([125e6, 125e6]);
    expect(scenario.faults).toEqual([
      {
        kind: 'destination-crash',
        index: 0,
        description: 'dst-1 loses power as round 3 starts',
        trigger: { type: 'phase', migration: 'm1', phase: 'round', round: 3, afterNs: 0 },
        host: 'dst-1',
        durationNs: null,
      },
    ]);
  });

  it('expects recovery to 95 % from every strategy except none', () => {
    const recovers = scenario.checks.find((check) => check.kind === 'recovers');
    expect(recovers?.variants).toEqual(['zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']);
  });
});

describe('the other shipped scenarios', () => {
  it('dirty-rate-probe: page sampling, then a dirty-bitmap probe without and with recovery', () => {
    const scenario = load('dirty-rate-probe.yaml');
    expect(scenario.variants.map((variant) => [variant.name, variant.probes[0]?.mode, variant.hosts[0]?.kernel.recovery])).toEqual([
      ['page-sampling', 'page-sampling', 'zap-rmap'],
      ['dirty-bitmap-linux-4.0', 'dirty-bitmap', 'none'],
      ['dirty-bitmap-linux-4.1', 'dirty-bitmap', 'zap-rmap'],
    ]);
    expect(scenario.migrations).toEqual([]);
  });

  it('evacuate-host: 20 VMs drained from src-1 to four hosts under the 5-per-cluster, 2-per-node caps', () => {
    const scenario = load('evacuate-host.yaml');
    expect(scenario.vms.filter((vm) => vm.host === 'src-1')).toHaveLength(20);
    expect(scenario.plans).toMatchObject([{ kind: 'drain', hosts: ['src-1'], to: ['dst-1', 'dst-2', 'dst-3', 'dst-4'], order: 'lowest-dirty-rate', probe: 'page-sampling' }]);
    expect(scenario.policy).toMatchObject({ parallelMigrationsPerCluster: 5, parallelOutboundMigrationsPerNode: 2, bandwidthPerMigrationBytesPerSec: GiB });
  });

  it('non-converging-autoconverge: a writer faster than the link, with the capability off and on', () => {
    const scenario = load('non-converging-autoconverge.yaml');
    const vm = scenario.vms[0];
    const link = scenario.hosts[0]?.linkBytesPerSec ?? 0;
    expect(vm?.workload.dirtyRateBytesPerSec).toBeGreaterThan(link);
    expect(scenario.variants.map((variant) => variant.migrations[0]?.params.autoConverge)).toEqual([false, true]);
  });

  it('postcopy-failure: the link drops during post-copy, with and without postcopy recovery', () => {
    const scenario = load('postcopy-failure.yaml');
    expect(scenario.faults[0]).toMatchObject({ kind: 'link-down', trigger: { phase: 'postcopy' }, link: { type: 'path', from: 'src-1', to: 'dst-1' } });
    expect(scenario.variants.map((variant) => variant.migrations[0]?.params.postcopyRecovery)).toEqual([false, true]);
  });

  it('converging-precopy: one migration expected to complete within its downtime budget', () => {
    const scenario = load('converging-precopy.yaml');
    expect(scenario.checks.map((check) => check.kind)).toEqual(['migration-outcome', 'downtime-within-budget']);
  });
});
