import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The CLI as a user runs it: a real child process through bin/migsim.mjs. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'apps', 'cli', 'bin', 'migsim.mjs');
const work = mkdtempSync(join(tmpdir(), 'migsim-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function migsim(...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, MIGSIM_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const flagship = 'scenarios/failed-migration-recovery.yaml';

describe('migsim simulate', () => {
  it('runs the flagship, prints the recovery comparison, writes JSON and HTML, and exits 0 when every check passed', () => {
    const out = join(work, 'flagship.json');
    const html = join(work, 'flagship.html');
    const run = migsim('simulate', flagship, '--out', out, '--html', html);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Recovery comparison');
    for (const strategy of ['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']) {
      expect(run.stdout).toMatch(new RegExp(`^\\s+${strategy}\\s+vm-1\\s`, 'm'));
    }
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ schemaVersion: 1, seed: 42, engine: 'in-process' });
    expect(report.variants.map((v: { name: string }) => v.name)).toEqual(['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<svg');
  });

  it('is deterministic: the same seed gives byte-identical JSON, another seed is recorded in the report', () => {
    const first = migsim('simulate', 'scenarios/converging-precopy.yaml', '--format', 'json');
    const second = migsim('simulate', 'scenarios/converging-precopy.yaml', '--format', 'json');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    const reseeded = migsim('simulate', 'scenarios/converging-precopy.yaml', '--format', 'json', '--seed', '7');
    expect(JSON.parse(reseeded.stdout).seed).toBe(7);
  });

  it('exits 1 when a check fails', () => {
    const text = readFileSync(join(repoRoot, flagship), 'utf8').replace('outcome: failed }', 'outcome: completed }');
    const file = join(work, 'expect-completed.yaml');
    writeFileSync(file, text);
    const run = migsim('simulate', file);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/check.*failed/i);
  });

  it('exits 2 on a bad scenario, naming the file, the path and what was expected, with no stack trace and no output file', () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'name: bad\nseed: 1\nhorizon: 10s\nhosts:\n  - { name: a, link: 1 gigabit }\nvms: []\n');
    const out = join(work, 'bad.json');
    const run = migsim('simulate', file, '--out', out);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: hosts[0].link: found "1 gigabit", expected a rate`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on a missing file and on bad options', () => {
    expect(migsim('simulate', 'no/such/file.yaml')).toMatchObject({ code: 2, stderr: 'no/such/file.yaml: cannot read the scenario file: no such file\n' });
    expect(migsim('simulate', flagship, '--seed', '-1').code).toBe(2);
    expect(migsim('simulate', flagship, '--format', 'xml').stderr).toContain('--format: found "xml", expected one of text, json');
    expect(migsim('simulate', flagship, '--frobnicate').code).toBe(2);
    expect(migsim('launch').stderr).toContain("unknown command 'launch'");
  });
});

describe('migsim validate, schema and report', () => {
  it('validate accepts every shipped scenario', () => {
    for (const name of ['failed-migration-recovery', 'dirty-rate-probe', 'converging-precopy', 'non-converging-autoconverge', 'postcopy-failure', 'evacuate-host']) {
      const run = migsim('validate', `scenarios/${name}.yaml`);
      expect([name, run.code]).toEqual([name, 0]);
    }
  });

  it('schema prints a JSON Schema an editor can use', () => {
    const run = migsim('schema');
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout);
    expect(schema.$schema).toContain('2020-12');
    expect(JSON.stringify(schema)).toContain('recover-in-place');
  });

  it('report re-renders a saved JSON report as HTML, and rejects a file that is not a report', () => {
    const out = join(work, 'converging.json');
    expect(migsim('simulate', 'scenarios/converging-precopy.yaml', '--out', out).code).toBe(0);
    const html = join(work, 'converging.html');
    const run = migsim('report', out, '--html', html);
    expect(run.code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<svg');
    const notReport = join(work, 'not-a-report.json');
    writeFileSync(notReport, '{"hello": 1}\n');
    const bad = migsim('report', notReport);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(notReport);
  });
});
