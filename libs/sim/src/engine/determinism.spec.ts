import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJson } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { simulate } from '../simulate';
import { migrationOf, runSmall } from '../testing';

const SCENARIO_DIR = fileURLToPath(new URL('../../../../scenarios/', import.meta.url));
const shipped = readdirSync(SCENARIO_DIR).filter((file) => file.endsWith('.yaml')).sort();

function load(file: string) {
  return loadScenario(readFileSync(SCENARIO_DIR + file, 'utf8'), `scenarios/${file}`);
}

describe('determinism', () => {
  it('there are shipped scenarios to check', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(5);
  });

  // The recorded digest holds the report to the same bytes on every machine and Node.js version, and
  // through changes meant to keep results (speed-ups, refactors). A change to the model that moves
  // results updates the digests on purpose: `npx vitest run -u src/engine/determinism.spec.ts` in libs/sim.
  it.each(shipped)('%s: every check passes, and the same scenario and seed give a byte-identical JSON report, the one recorded for it', (file) => {
    const scenario = load(file);
    const report = simulate(scenario);
    expect(report.variants.flatMap((v) => v.checks.filter((c) => !c.passed).map((c) => `${v.name}/${c.name}: ${c.detail}`))).toEqual([]);
    const first = renderJson(report);
    const second = renderJson(simulate(load(file)));
    expect(second).toBe(first);
    expect(createHash('sha256').update(first).digest('hex'), `the JSON report of scenarios/${file} is not the recorded one`).toMatchSnapshot();
  });

  it('a different seed changes only the seed when no draw is involved (sequential writer, no THP splits)', () => {
    const scenario = load('failed-migration-recovery.yaml');
    const a = renderJson(simulate(scenario, { seed: 1, variants: ['zap-rmap'] }));
    const b = renderJson(simulate(scenario, { seed: 2, variants: ['zap-rmap'] }));
    const differing = a.split('\n').filter((line, i) => line !== b.split('\n')[i]);
    expect(differing.map((line) => line.trim())).toEqual(['"seed": 1,']);
  });

  it('a different seed changes what random writes decide, not what happens to whom', () => {
    const scenario = load('non-converging-autoconverge.yaml');
    const a = simulate(scenario, { seed: 1, variants: ['auto-converge'] }).variants[0]!;
    const b = simulate(scenario, { seed: 2, variants: ['auto-converge'] }).variants[0]!;
    const ma = migrationOf(a, 'm1');
    const mb = migrationOf(b, 'm1');
    expect(mb.outcome).toBe(ma.outcome);
    expect(mb.source).toBe(ma.source);
    expect(mb.destination).toBe(ma.destination);
    expect(mb.attempts[0]!.info.ram.transferred).not.toBe(ma.attempts[0]!.info.ram.transferred);
  });

  it('adding an idle VM on another host does not change anything about the first VM', () => {
    const base = runSmall({}, { seed: 9 });
    const more = runSmall(
      {
        hosts: [
          { name: 'src-1', link: '10Gbps', memory: '64GiB' },
          { name: 'dst-1', link: '10Gbps', memory: '64GiB' },
          { name: 'other', link: '10Gbps', memory: '64GiB' },
        ],
        vms: [
          { name: 'vm-0', host: 'other', memory: '2GiB', vcpus: 1, workload: { pattern: 'uniform', writeWorkingSet: '1GiB', dirtyRate: '50MB/s' } },
          { name: 'vm-1', host: 'src-1', memory: '4GiB', vcpus: 2, workload: { pattern: 'uniform', writeWorkingSet: '1GiB', dirtyRate: '10MB/s' } },
        ],
      },
      { seed: 9 },
    );
    expect(migrationOf(more, 'm1')).toEqual(migrationOf(base, 'm1'));
    expect(more.vms.find((vm) => vm.name === 'vm-1')).toEqual(base.vms.find((vm) => vm.name === 'vm-1'));
  });
});

describe('progress', () => {
  it('reports a rising fraction of the work done, ending at 1, and never prints', () => {
    const seen: number[] = [];
    const scenario = load('failed-migration-recovery.yaml');
    simulate(scenario, { variants: ['none', 'zap-rmap'], onProgress: (fraction) => seen.push(fraction) });
    expect(seen.length).toBeGreaterThan(10);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.some((fraction) => fraction > 0.4 && fraction < 0.6)).toBe(true);
  });
});
