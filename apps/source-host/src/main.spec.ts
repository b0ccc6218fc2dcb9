import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { purgeNamespace, type ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis, uniqueNamespace } from '@migsim/transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** This app's process as users run it: `node --conditions=development --import tsx src/main.ts` from its folder. */
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const MAIN = ['--conditions=development', '--import', 'tsx', 'src/main.ts'];

let redis: ResolvedRedis | undefined;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('source-host', () => {
  it('refuses a configuration it cannot serve with exit 2 and one line naming the variable', () => {
    const env = { ...process.env, MIGSIM_SHARDS: '' };
    const noRedis = spawnSync(process.execPath, MAIN, { cwd: APP_DIR, env: { ...env, REDIS_URL: '' }, encoding: 'utf8', timeout: 60_000 });
    expect([noRedis.status, noRedis.stderr]).toEqual([2, 'source-host: REDIS_URL: expected redis://host:port, got ""\n']);
    const badShard = spawnSync(process.execPath, [...MAIN, '--shards', 'a.b'], { cwd: APP_DIR, env: { ...env, REDIS_URL: 'redis://127.0.0.1:1' }, encoding: 'utf8', timeout: 60_000 });
    expect([badShard.status, badShard.stderr]).toEqual([2, 'source-host: MIGSIM_SHARDS: "a.b" is not a valid shard name (letters, digits, \'-\' or \'_\')\n']);
  }, 120_000);

  it('serves source-0 by default: leases it in Redis, says so once it takes messages, and on SIGTERM stops and releases it', async () => {
    const namespace = uniqueNamespace('source-host-main');
    const child = spawn(process.execPath, MAIN, { cwd: APP_DIR, env: { ...process.env, REDIS_URL: redis!.url, MIGSIM_NAMESPACE: namespace, MIGSIM_SHARDS: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      const deadline = Date.now() + 90_000;
      while (!stderr.includes('serving source-0') && Date.now() < deadline && child.exitCode === null) await new Promise((wake) => setTimeout(wake, 50));
      expect(stderr).toMatch(/^source-host: claimed source-0 \(lease 5000 ms, owner \S+\)$/m);
      expect(stderr).toMatch(/^source-host: serving source-0$/m);
      child.kill('SIGTERM');
      await exited;
      expect(stderr).toMatch(/^source-host: released source-0$/m);
    } finally {
      child.kill('SIGKILL');
      await purgeNamespace(redis!.url, namespace).catch(() => undefined);
    }
  }, 120_000);
});
