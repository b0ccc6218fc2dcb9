import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** A load study through the CLI as a user runs it: a child process through bin/migsim.mjs. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'apps', 'cli', 'bin', 'migsim.mjs');
const work = mkdtempSync(join(tmpdir(), 'migsim-cli-study-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function migsim(...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, MIGSIM_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const study = 'scenarios/rack-drain-study.yaml';

describe('migsim simulate on a study', () => {
  it('--format csv prints one row per migration; migsim report --format csv prints the same rows from the saved report', () => {
    const out = join(work, 'study.json');
    const run = migsim('simulate', study, '--variant', 'non-blocking', '--format', 'csv', '--out', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toBe('variant,id,vm,source,destination,source_rack,destination_rack,outcome,attempts,requested_s,start_s,end_s,queue_wait_s,total_time_s,downtime_ms,rounds,transferred_bytes,lost_work_vcpu_s,memory_bytes,reason');
    expect(rows).toHaveLength(32);
    for (const row of rows) expect(row).toMatch(/^non-blocking,drain-rack-1\/vm-\d+,vm-\d+,h-[1-8],h-\d+,rack-1,rack-[23],completed,1,5,/);
    const again = migsim('report', out, '--format', 'csv');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(run.stdout);
  });

  it('the text summary gives the study block and the most interesting migrations, not all of them', () => {
    const run = migsim('simulate', study, '--variant', 'uplinks-4-to-1', '--no-color');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/study: 32 migrations \(32 completed\), 32 attempts \(0 retried\); makespan \d/);
    expect(run.stdout).toMatch(/^\s+total time\s+32\s/m);
    expect(run.stdout).toMatch(/links: nic peak .* · uplink peak .*100\.0 % busiest link/);
    expect(run.stdout).toContain('hosts: 24 in 3 racks');
    expect(run.stdout).toContain('... 12 more migrations');
  });

  it('an unknown --format is refused with the accepted ones (exit 2)', () => {
    const run = migsim('simulate', study, '--format', 'xml');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format: found "xml", expected one of text, json, csv');
  });
});
