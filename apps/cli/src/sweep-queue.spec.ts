import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smallChaosScenarioText } from '@migsim/sweep/testing';
import { purgeNamespace, type ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis, uniqueNamespace } from '@migsim/transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `migsim sweep --queue` against a real Redis and two real `migsim worker`
 * processes: the first is killed with SIGKILL while it holds a run, BullMQ
 * hands that run to the second, and the summary equals the one worker
 * threads give on this machine.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'apps', 'cli', 'bin', 'migsim.mjs');
const main = join(repoRoot, 'apps', 'cli', 'src', 'main.ts');
const tsx = createRequire(import.meta.url).resolve('tsx');
const work = mkdtempSync(join(tmpdir(), 'migsim-sweep-queue-'));
const scenario = join(work, 'small.yaml');
writeFileSync(scenario, smallChaosScenarioText());

/** A worker run straight from its sources, so its pid is the process that holds the jobs (no launcher in between). */
function startWorker(url: string, namespace: string): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp, timeoutMs: number) => Promise<string> } {
  const child = spawn(process.execPath, ['--conditions=development', '--import', tsx, main, 'worker', '--queue', url, '--namespace', namespace, '--workers', '1'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const waitFor = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = pattern.exec(text);
      if (match !== null) return match[0];
      await new Promise((wake) => setTimeout(wake, 20));
    }
    throw new Error(`worker ${child.pid}: no ${pattern} within ${timeoutMs} ms; its output:\n${text}`);
  };
  return { child, output: () => text, waitFor };
}

describe('migsim sweep --queue with migsim worker processes', () => {
  let redis: ResolvedRedis;
  const namespace = uniqueNamespace('sweep-queue');
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await resolveTestRedis();
  });

  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await purgeNamespace(redis.url, namespace);
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('a worker killed mid-run loses nothing: its run is retried by the other, and the summary equals the local one', async () => {
    const local = spawnSync(process.execPath, [bin, 'sweep', scenario, '--seeds', '1..5', '--out', join(work, 'local'), '--workers', '2'], { cwd: repoRoot, encoding: 'utf8' });
    expect(local.status).toBe(1);

    const first = startWorker(redis.url, namespace);
    workers.push(first.child);
    await first.waitFor(/migsim worker: serving sweep\.runs/, 60_000);
    const sweep = spawn(process.execPath, [bin, 'sweep', scenario, '--seeds', '1..5', '--out', join(work, 'queue'), '--queue', redis.url, '--namespace', namespace], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let sweepOutput = '';
    sweep.stdout!.on('data', (chunk: Buffer) => (sweepOutput += chunk.toString()));
    sweep.stderr!.on('data', (chunk: Buffer) => (sweepOutput += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => sweep.on('exit', (code) => resolve(code)));

    // The first worker's first run pays its thread's start-up: it is still running when the worker dies.
    const took = await first.waitFor(/took (run~\S+)/, 60_000);
    const jobId = took.slice('took '.length);
    first.child.kill('SIGKILL');

    const second = startWorker(redis.url, namespace);
    workers.push(second.child);
    await second.waitFor(new RegExp(`took ${jobId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(again, after 1 lost\\)`), 90_000);
    const code = await exited;
    expect(code, sweepOutput).toBe(1);
    expect(sweepOutput).toContain(`on BullMQ workers on ${redis.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')} (namespace ${namespace})`);
    for (const name of ['summary.json', 'runs.csv', 'index.html']) {
      expect(readFileSync(join(work, 'queue', name), 'utf8')).toBe(readFileSync(join(work, 'local', name), 'utf8'));
    }
    second.child.kill('SIGTERM');
  }, 240_000);
});
