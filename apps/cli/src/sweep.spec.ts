import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smallChaosScenarioText } from '@migsim/sweep/testing';
import { afterAll, describe, expect, it } from 'vitest';

/** `migsim sweep` as a user runs it: a real child process through bin/migsim.mjs. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'apps', 'cli', 'bin', 'migsim.mjs');
const work = mkdtempSync(join(tmpdir(), 'migsim-sweep-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const scenario = join(work, 'small.yaml');
writeFileSync(scenario, smallChaosScenarioText());

function migsim(...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, MIGSIM_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const outputs = (dir: string) => ['summary.json', 'runs.csv', 'index.html'].map((name) => readFileSync(join(dir, name), 'utf8'));

describe('migsim sweep on worker threads', () => {
  const one = join(work, 'one');
  const first = migsim('sweep', scenario, '--seeds', '1..6', '--out', one, '--workers', '1');

  it('runs every variant with every seed, prints outcomes, paired differences and failing runs, and writes summary.json, runs.csv and index.html', () => {
    expect(first.stderr).toContain('migsim sweep: 12 runs (6 seeds x 2 variants) on 1 worker thread\n');
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^migsim sweep: small-chaos \(.*small\.yaml\) · 6 seeds \(1\.\.6\) · 2 variants · 12 runs\n/);
    expect(first.stdout).toContain('paired with patient (same seeds, same faults, same workload)');
    expect(first.stdout).toMatch(/Failing runs: \d+ of 12/);
    const summary = JSON.parse(readFileSync(join(one, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ schemaVersion: 1, runs: 12, variants: ['patient', 'impatient'], seeds: { count: 6, seeds: '1..6' } });
    expect(readFileSync(join(one, 'runs.csv'), 'utf8').split('\n')[0]).toMatch(/^cell,seed,variant,migration,/);
    expect(readFileSync(join(one, 'index.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('gives byte-identical files with 1, 2 or 8 worker threads', () => {
    const reference = outputs(one);
    for (const workers of ['2', '8']) {
      const dir = join(work, `workers-${workers}`);
      const run = migsim('sweep', scenario, '--seeds', '1..6', '--out', dir, '--workers', workers);
      expect(run.code).toBe(first.code);
      expect(outputs(dir)).toEqual(reference);
    }
  });

  it('prints for each failing run a command that reproduces it: simulate fails the same check', () => {
    const summary = JSON.parse(readFileSync(join(one, 'summary.json'), 'utf8'));
    const failure = summary.failures[0];
    expect(first.stdout).toContain(failure.command);
    const words = (failure.command as string).split(' ');
    expect(words.slice(0, 2)).toEqual(['migsim', 'simulate']);
    const rerun = migsim(...words.slice(1), '--format', 'json');
    expect(rerun.code).toBe(1);
    const variant = JSON.parse(rerun.stdout).variants[0];
    expect(variant.name).toBe(failure.variant);
    expect(variant.checks.filter((check: { passed: boolean }) => !check.passed).map((check: { name: string }) => check.name)).toEqual(failure.checks.map((check: { name: string }) => check.name));
  });
});

describe('migsim sweep --set and --shrink', () => {
  it('sweeps every value of a --set path, and each failing run\'s command carries its value', () => {
    const dir = join(work, 'set');
    const run = migsim('sweep', scenario, '--seeds', '1..3', '--set', 'policy.retries.max=0,2', '--variants', 'patient', '--out', dir, '--workers', '2');
    expect(run.stdout).toContain('== policy.retries.max=0 ');
    expect(run.stdout).toContain('== policy.retries.max=2 ');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.cells).toEqual([
      { index: 0, set: { 'policy.retries.max': '0' } },
      { index: 1, set: { 'policy.retries.max': '2' } },
    ]);
    for (const failure of summary.failures) expect(failure.command).toContain(`--set policy.retries.max=${failure.cell === 0 ? 0 : 2}`);
  });

  it('writes a failing run as a small scenario under shrunk/ that simulate runs to the same failed check', () => {
    const dir = join(work, 'shrink');
    const run = migsim('sweep', scenario, '--seeds', '1..3', '--variants', 'patient', '--out', dir, '--workers', '2', '--shrink', '--shrink-max', '1', '--shrink-budget', '40');
    expect(run.code).toBe(1);
    const files = readdirSync(join(dir, 'shrunk'));
    expect(files).toHaveLength(1);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const shrunkFailure = summary.failures.find((failure: { shrunk: string | null }) => failure.shrunk !== null);
    expect(shrunkFailure.shrunk).toBe(`shrunk/${files[0]}`);
    expect(run.stdout).toContain(`shrunk: shrunk/${files[0]}`);
    const yaml = readFileSync(join(dir, 'shrunk', files[0]!), 'utf8');
    expect(yaml).toContain(`# Reproduce: migsim simulate ${join(dir, 'shrunk', files[0]!)}`);
    const rerun = migsim('simulate', join(dir, 'shrunk', files[0]!), '--format', 'json');
    expect(rerun.code).toBe(1);
    const failed = JSON.parse(rerun.stdout).variants[0].checks.filter((check: { passed: boolean }) => !check.passed).map((check: { name: string }) => check.name);
    expect(failed).toContain(shrunkFailure.checks[0].name);
  });
});

describe('migsim sweep: bad input exits 2 with a clear message and writes nothing', () => {
  it.each([
    [['--seeds', '10..1'], 'migsim sweep: --seeds: found "10..1", a range that ends before it starts; expected seeds from 0 to 4294967295'],
    [['--seeds', 'all'], 'migsim sweep: --seeds: found "all" in "all", expected seeds from 0 to 4294967295'],
    [['--seeds', '1..3', '--set', 'policy.progresTimeout=30s,150s'], `migsim sweep: --set: policy.progresTimeout=30s makes ${join(work, 'small.yaml')} invalid:\n${join(work, 'small.yaml')}: policy.progresTimeout: found unknown key "progresTimeout", expected one of`],
    [['--seeds', '1..3', '--set', 'policy.progressTimeout=30s,later'], 'migsim sweep: --set: policy.progressTimeout=later makes'],
    [['--seeds', '1..3', '--set', 'hosts.dst-9.link=1Gbps'], 'migsim sweep: --set: hosts.dst-9.link: hosts has no entry "dst-9", expected an entry named src-1, dst or an index from 0 to 1'],
    [['--seeds', '1..3', '--set', 'policy.progressTimeout'], 'migsim sweep: --set: found "policy.progressTimeout", expected path=value1,value2'],
    [['--seeds', '1..3', '--variants', 'eager'], 'migsim sweep: --variants: found "eager", expected a variant of'],
    [['--seeds', '1..3', '--workers', '0'], 'migsim sweep: --workers: found "0", expected a whole number from 1 to 256'],
    [['--seeds', '1..3', '--queue', 'http://localhost:6379'], 'migsim sweep: --queue: found "http://localhost:6379", expected a redis:// or rediss:// URL'],
  ])('%j', (args, message) => {
    const out = join(work, `bad-${Math.random().toString(36).slice(2)}`);
    const run = migsim('sweep', scenario, ...args, '--out', out);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('a chaos section the loader refuses: the file, the path and what was expected', () => {
    const bad = join(work, 'bad-chaos.yaml');
    writeFileSync(bad, smallChaosScenarioText().replace('host-crash: { perRound: 15%', 'host-crash: { perRound: 150%').replace('hosts: [src-1], flaps', 'hosts: [src-9], flaps'));
    const run = migsim('sweep', bad, '--seeds', '1..3', '--out', join(work, 'z'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}: chaos.host-crash.perRound: found "150%", expected a fraction from 0 to 1 or a percent from 0% to 100%`);
    writeFileSync(bad, smallChaosScenarioText().replace('hosts: [src-1], flaps', 'hosts: [src-9], flaps'));
    const unknownHost = migsim('sweep', bad, '--seeds', '1..3', '--out', join(work, 'z'));
    expect(unknownHost.code).toBe(2);
    expect(unknownHost.stderr).toContain(`${bad}: chaos.link-flap.hosts[0]: found "src-9", expected a host declared in hosts (src-1, dst-1, dst-2) (did you mean "src-1"?)`);
    expect(existsSync(join(work, 'z'))).toBe(false);
  });

  it('migsim worker without --queue', () => {
    expect(migsim('worker')).toMatchObject({ code: 2, stderr: expect.stringContaining('migsim worker: --queue is required: the Redis URL the sweeps use') });
    expect(migsim('worker', '--queue', 'localhost:6379')).toMatchObject({ code: 2, stderr: expect.stringContaining('migsim worker: --queue: found "localhost:6379", expected a redis:// or rediss:// URL') });
  });

  it('a missing --out or --seeds, or a scenario that does not load', () => {
    expect(migsim('sweep', scenario, '--seeds', '1..3')).toMatchObject({ code: 2, stderr: expect.stringContaining('--out is required') });
    expect(migsim('sweep', scenario, '--out', join(work, 'x'))).toMatchObject({ code: 2, stderr: expect.stringContaining('--seeds is required, e.g. --seeds 1..200') });
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nhorizon: 10s\nhosts: []\nvms: []\n');
    const run = migsim('sweep', bad, '--seeds', '1', '--out', join(work, 'y'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}: hosts: found an empty list, expected a list of hosts with at least 1 entry`);
  });
});

describe('help, and simulate with --set and --variant', () => {
  it('lists sweep and worker, and each has --help', () => {
    const help = migsim('help');
    expect(help.stdout).toContain('migsim sweep <scenario.yaml> --seeds 1..N --out DIR');
    expect(help.stdout).toContain('migsim worker --queue redis://HOST:PORT');
    expect(migsim('sweep', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('Writes DIR/summary.json, DIR/runs.csv and') });
    expect(migsim('worker', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('a killed worker\'s runs go to another') });
    expect(migsim('simulate', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('migsim simulate <scenario.yaml> [--seed N]') });
  });

  it('simulate runs one variant of a scenario with --set values applied', () => {
    const run = migsim('simulate', scenario, '--seed', '2', '--variant', 'impatient', '--set', 'policy.retries.max=0', '--format', 'json');
    const report = JSON.parse(run.stdout);
    expect(report.variants.map((variant: { name: string }) => variant.name)).toEqual(['impatient']);
    expect(report.variants[0].migrations.every((migration: { attempts: unknown[] }) => migration.attempts.length === 1)).toBe(true);
    expect(migsim('simulate', scenario, '--variant', 'eager')).toMatchObject({ code: 2, stderr: expect.stringContaining('--variant: found "eager", expected a variant of') });
    expect(migsim('simulate', scenario, '--set', 'policy.retries.max=0,1')).toMatchObject({ code: 2, stderr: expect.stringContaining('migsim simulate: --set: policy.retries.max: found 2 values, expected one') });
  });
});
