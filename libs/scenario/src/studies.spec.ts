import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from './load-scenario';

/** The load studies of scenarios/studies: short files that declare big clusters. */
const studiesDir = fileURLToPath(new URL('../../../scenarios/studies/', import.meta.url));
const studies = readdirSync(studiesDir).filter((file) => file.endsWith('.yaml')).sort();

describe('scenarios/studies', () => {
  it('holds the 500-host study', () => {
    expect(studies).toContain('drain-500-hosts.yaml');
  });

  for (const file of studies) {
    it(`${file} loads, opens with a comment, and is at most 30 lines`, () => {
      const text = readFileSync(`${studiesDir}${file}`, 'utf8');
      expect(text.startsWith('#')).toBe(true);
      expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(30);
      const scenario = loadScenario(text, `scenarios/studies/${file}`);
      expect(scenario.name).toBe(file.replace(/\.yaml$/, ''));
    });
  }

  it('drain-500-hosts: 500 hosts in 25 racks, 5,000 VMs of 2-16 GiB, 50 hosts drained in one plan (500 migrations)', () => {
    const scenario = loadScenario(readFileSync(`${studiesDir}drain-500-hosts.yaml`, 'utf8'), 'drain-500-hosts.yaml');
    expect(scenario.hosts).toHaveLength(500);
    expect(scenario.network!.racks).toHaveLength(25);
    expect(scenario.vms).toHaveLength(5000);
    const sizes = scenario.vms.map((vm) => vm.memoryBytes / 1024 ** 3);
    expect(Math.min(...sizes)).toBe(2);
    expect(Math.max(...sizes)).toBe(16);
    expect(scenario.plans).toHaveLength(1);
    const drained = new Set(scenario.plans[0]!.kind === 'drain' ? scenario.plans[0]!.hosts : []);
    expect(drained.size).toBe(50);
    expect(scenario.vms.filter((vm) => drained.has(vm.host))).toHaveLength(500);
    expect(scenario.sampling.vms).toBe('interesting');
  });
});
