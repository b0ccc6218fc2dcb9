import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from './support/service-process';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

describe('npm start (scripts/start.mjs)', () => {
  it('Ctrl-C mid-run leaves no process behind: services, Redis and the launcher are all gone', async () => {
    // A Redis of its own (REDIS_URL unset): the script starts it, so it must stop it too.
    const env = { ...process.env };
    delete env.REDIS_URL;
    start = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    start.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    start.stdout!.resume();
    const exited = new Promise<number | null>((done) => start!.once('exit', (code) => done(code)));

    const deadline = Date.now() + 60_000;
    while (!/submitted/.test(stderr) && Date.now() < deadline) await sleep(50);
    expect(stderr).toMatch(/run \S+ submitted/);
    started = descendants(start.pid!);
    // Launcher (tsx re-exec), controller, source host, destination host, redis-server.
    expect(started.length).toBeGreaterThanOrEqual(5);

    // What a terminal does on Ctrl-C: SIGINT to the foreground process group.
    process.kill(-start.pid!, 'SIGINT');
    const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
    expect(code).not.toBe('timeout');
    await sleep(500);
    expect(started.filter(alive)).toEqual([]);
    expect(stderr).toMatch(/SIGINT received; stopping the services/);
  });
});
