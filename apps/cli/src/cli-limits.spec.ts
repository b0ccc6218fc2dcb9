import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGSIM_VERSION } from '@migsim/sim';
import { COMMAND_USAGE } from './usage';

/** The CLI as a user runs it, on the inputs the issue tracker found it could not handle. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'apps', 'cli', 'bin', 'migsim.mjs');
const work = mkdtempSync(join(tmpdir(), 'migsim-cli-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function migsim(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, MIGSIM_DEBUG: '', ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function scenarioFile(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

const converging = readFileSync(join(repoRoot, 'scenarios', 'converging-precopy.yaml'), 'utf8');

describe('usage and version', () => {
  it('migsim <command> --help prints that command\'s usage and exits 0', () => {
    for (const [command, usage] of Object.entries(COMMAND_USAGE)) {
      expect(migsim([command, '--help'])).toMatchObject({ code: 0, stdout: usage, stderr: '' });
    }
    expect(migsim(['simulate', 'scenarios/converging-precopy.yaml', '-h']).stdout).toBe(COMMAND_USAGE['simulate']);
  });

  it('migsim --version prints the version', () => {
    expect(migsim(['--version'])).toMatchObject({ code: 0, stdout: `migsim ${MIGSIM_VERSION}\n` });
  });

  it('--seed -1 gets the same range message as --seed abc', () => {
    const negative = migsim(['simulate', 'scenarios/converging-precopy.yaml', '--seed', '-1']);
    const word = migsim(['simulate', 'scenarios/converging-precopy.yaml', '--seed', 'abc']);
    expect(negative).toMatchObject({ code: 2, stderr: 'migsim simulate: --seed: found "-1", expected a whole number from 0 to 4294967295\n' });
    expect(word.stderr).toBe(negative.stderr.replace('"-1"', '"abc"'));
  });
});

describe('validate and simulate agree on what runs', () => {
  it('a documented host-wide latency fault runs', () => {
    const file = scenarioFile('host-latency.yaml', `${converging}\nfaults:\n  - { kind: latency, host: dst-1, latency: 20ms, at: 0s }\n`);
    expect(migsim(['validate', file]).code).toBe(0);
    const run = migsim(['simulate', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('a 100 TB/s zipf writer runs: its steps draw the pages they hit, not each write', () => {
    const evacuate = readFileSync(join(repoRoot, 'scenarios', 'evacuate-host.yaml'), 'utf8');
    const fast = evacuate.replace('pattern: zipf, writeWorkingSet: 4GiB, dirtyRate: 80MB/s', 'pattern: zipf, writeWorkingSet: 4GiB, dirtyRate: 100TB/s');
    expect(fast).not.toBe(evacuate);
    const file = scenarioFile('zipf-100TBps.yaml', fast);
    expect(migsim(['validate', file])).toMatchObject({ code: 0, stderr: '' });
    const run = migsim(['simulate', file]);
    expect(run.stderr).toBe('');
    // The eight 100 TB/s databases never converge: the drain's check fails (exit 1), the run ends.
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Live migration stuck for 150 sec and has been aborted/);
  });

  it('downtime-limit beyond QEMU\'s 2000 s is bad input for both, naming the path', () => {
    const file = scenarioFile('downtime.yaml', converging.replace('downtime-limit: 300ms', 'downtime-limit: 1h'));
    const expected = `${file}: migrations[0].params.downtime-limit: found "1h", expected a duration of at most 2000s (QEMU's downtime-limit range is 0 to 2000 s)\n`;
    expect(migsim(['validate', file])).toMatchObject({ code: 2, stderr: expected });
    expect(migsim(['simulate', file])).toMatchObject({ code: 2, stderr: expected });
  });

  it('a scenario whose models would not fit is refused by both, with the VM, the estimate and the limit', () => {
    const file = scenarioFile(
      'huge-vm.yaml',
      converging.replace(/memory: 64GiB/g, 'memory: 128TiB').replace('memory: 8GiB', 'memory: 100TiB'),
    );
    const env = { MIGSIM_MODEL_MEMORY_LIMIT: '16GiB' };
    const validate = migsim(['validate', file], env);
    const simulate = migsim(['simulate', file], env);
    expect(validate.code).toBe(2);
    expect(simulate).toMatchObject({ code: 2, stderr: validate.stderr });
    expect(validate.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: vms: found models that need an estimated \\d+\\.\\d GiB \\(variant default: 1 VM with models .* \\(vm-1 100\\.0 TiB: .*\\), 1 migration at once .*\\), expected at most 16\\.0 GiB, what this machine can give them \\(MIGSIM_MODEL_MEMORY_LIMIT\\)\\n$`));
    expect(migsim(['validate', 'scenarios/converging-precopy.yaml'], { MIGSIM_MODEL_MEMORY_LIMIT: '1MiB' }).code).toBe(2);
    expect(migsim(['validate', 'scenarios/converging-precopy.yaml'], { MIGSIM_MODEL_MEMORY_LIMIT: 'lots' })).toMatchObject({
      code: 2,
      stderr: 'MIGSIM_MODEL_MEMORY_LIMIT: found "lots", expected a size such as 16GiB or 512MiB\n',
    });
  });

  it('a file too large to be a scenario is refused before it is read', () => {
    const file = join(work, 'huge.yaml');
    writeFileSync(file, Buffer.alloc(17 * 1024 * 1024, 0x23));
    const run = migsim(['validate', file]);
    expect(run).toMatchObject({ code: 2, stderr: `${file}: found a file of 17,825,792 bytes, expected a scenario of at most 4,194,304 characters (4 MiB); declare repeated hosts and VMs with count\n` });
  });
});
