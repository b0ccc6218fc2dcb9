import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectSameReport } from './support/same-report';
import { sleep } from './support/service-process';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FLAGSHIP = 'scenarios/failed-migration-recovery.yaml';
const OUT = join(ROOT, 'out', 'services-failed-migration-recovery.json');
const scratch = mkdtempSync(join(tmpdir(), 'migsim-start-script-'));

let start: ChildProcess | undefined;
let started: number[] = [];

afterEach(() => {
  // Whatever the outcome, nothing this test started survives it.
  for (const pid of [...started, start?.pid ?? 0]) {
    try {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  start = undefined;
  started = [];
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every descendant of `root` (children of children, whatever their process group). */
function descendants(root: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of table) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start -- <args>` in a process group of its own, with a Redis of its own (REDIS_URL unset: the script starts one, so it must stop it too). */
function npmStart(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const env = { ...process.env };
  delete env.REDIS_URL;
  delete env.MIGSIM_API_TOKEN;
  const child = spawn('npm', ['start', '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stderr: () => stderr, exited };
}

/** Waits for the run to be submitted and returns every process the script runs by then. */
async function processesOnceSubmitted(child: ChildProcess, stderr: () => string): Promise<number[]> {
  // scripts/start.mjs allows the services 90 s to listen and 90 s more to serve every shard.
  const deadline = Date.now() + 200_000;
  while (!/run \S+ submitted/.test(stderr()) && Date.now() < deadline) await sleep(50);
  expect(stderr()).toMatch(/run \S+ submitted/);
  return descendants(child.pid!);
}

/** The engine's report of the flagship, from the CLI as users run it. */
function simulateFlagship(): string {
  const out = join(scratch, 'engine.json');
  execFileSync(process.execPath, ['apps/cli/bin/migsim.mjs', 'simulate', FLAGSHIP, '--out', out, '--format', 'json'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(out, 'utf8');
}

describe('npm start (scripts/start.mjs)', () => {
  let engine = '';
  beforeAll(() => {
    engine = simulateFlagship();
  }, 60_000);

  it.each([
    ['the default (the flagship at 40x, one worker per role)', [] as string[], 7],
    ['--workers 2 --speed max', ['--workers', '2', '--speed', 'max'], 9],
  ])('%s: exits 0, writes out/services-<name>.json equal to migsim simulate\'s report but for engine and execution, and leaves nothing running', async (_, flags, processes) => {
    rmSync(OUT, { force: true });
    const run = npmStart([FLAGSHIP, ...flags]);
    start = run.child;
    started = await processesOnceSubmitted(run.child, run.stderr);
    // npm, its shell, the launcher and its tsx re-exec, the controller, the workers, redis-server.
    expect(started.length, run.stderr()).toBeGreaterThanOrEqual(processes - 1);
    const code = await Promise.race([run.exited, sleep(120_000).then(() => 'timeout' as const)]);
    expect(code, run.stderr()).toBe(0);
    await sleep(500);
    expect(started.filter(alive)).toEqual([]);
    const written = readFileSync(OUT, 'utf8');
    expectSameReport(written, engine, `npm start -- ${FLAGSHIP} ${flags.join(' ')}`);
    const execution = JSON.parse(written).execution as { shards: { id: string }[] };
    expect(execution.shards.map((shard) => shard.id)).toEqual(flags.includes('--workers') ? ['source-0', 'source-1', 'destination-0', 'destination-1'] : ['source-0', 'destination-0']);
  }, 360_000);

  it('Ctrl-C mid-run leaves no process behind: services, Redis and the launcher are all gone', async () => {
    const run = npmStart([FLAGSHIP]);
    start = run.child;
    started = await processesOnceSubmitted(run.child, run.stderr);
    expect(started.length).toBeGreaterThanOrEqual(6);

    // What a terminal does on Ctrl-C: SIGINT to the foreground process group.
    process.kill(-run.child.pid!, 'SIGINT');
    const code = await Promise.race([run.exited, sleep(20_000).then(() => 'timeout' as const)]);
    expect(code).not.toBe('timeout');
    await sleep(500);
    expect(started.filter(alive)).toEqual([]);
    expect(run.stderr()).toMatch(/SIGINT received; stopping the services/);
  }, 260_000);
});
