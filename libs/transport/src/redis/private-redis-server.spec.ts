import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisUnavailableError } from '../errors';
import { PrivateRedisServer } from './private-redis-server';
import { pendingExitCleanupCount } from './process-cleanup';

const env = { PATH: process.env.PATH };

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withClient<T>(url: string, body: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await body(client);
  } finally {
    client.disconnect();
  }
}

describe('PrivateRedisServer', () => {
  it('private-redis: a persistent server killed with SIGKILL and restarted keeps acknowledged writes, on the same port', async () => {
    const server = new PrivateRedisServer({ env, persistent: true });
    await server.start();
    try {
      const url = server.url;
      await withClient(url, (client) => client.set('migsim:private-redis:k', 'v1'));
      const killedPid = server.pid as number;
      await server.kill();
      expect(processExists(killedPid)).toBe(false);
      expect(server.isRunning).toBe(false);
      await server.restart();
      expect(server.url).toBe(url);
      expect(await withClient(url, (client) => client.get('migsim:private-redis:k'))).toBe('v1');
    } finally {
      await server.stop();
    }
  });

  it('private-redis: without persistence a restarted server comes back empty', async () => {
    const server = new PrivateRedisServer({ env });
    await server.start();
    try {
      await withClient(server.url, (client) => client.set('migsim:private-redis:k', 'v1'));
      await server.kill();
      await server.restart();
      expect(await withClient(server.url, (client) => client.get('migsim:private-redis:k'))).toBeNull();
    } finally {
      await server.stop();
    }
  });

  it('private-redis: stop() ends the process, removes its directory and unregisters the exit cleanup', async () => {
    const server = new PrivateRedisServer({ env });
    await server.start();
    const pid = server.pid as number;
    const directory = server.directory as string;
    expect(processExists(pid)).toBe(true);
    expect(existsSync(directory)).toBe(true);
    expect(pendingExitCleanupCount()).toBe(1);
    await server.stop();
    expect(processExists(pid)).toBe(false);
    expect(existsSync(directory)).toBe(false);
    expect(pendingExitCleanupCount()).toBe(0);
  });

  it('private-redis: a fixed port that is taken fails with redis-server’s own reason', async () => {
    const blocker = createServer();
    await new Promise<void>((listening) => blocker.listen({ host: '127.0.0.1', port: 0 }, listening));
    const port = (blocker.address() as { port: number }).port;
    const server = new PrivateRedisServer({ env, port, startTimeoutMs: 3_000 });
    try {
      await expect(server.start()).rejects.toThrow(/REDIS_SERVER_FAILED: redis-server did not start: .*(Address already in use|bind)/i);
      expect(server.isRunning).toBe(false);
      expect(pendingExitCleanupCount()).toBe(0);
    } finally {
      blocker.close();
      await server.stop();
    }
  });

  it('private-redis: without redis-server on PATH the constructor says how to install it', () => {
    expect(() => new PrivateRedisServer({ env: { PATH: '/nonexistent' } })).toThrow(RedisUnavailableError);
    expect(() => new PrivateRedisServer({ env: { PATH: '/nonexistent' } })).toThrow('apt-get install redis-server');
  });
});
