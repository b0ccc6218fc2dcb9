import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RedisUnavailableError } from '../errors';
import { findContainerRuntime } from './container-runtime';
import { pendingExitCleanupCount } from './process-cleanup';
import { pingRedis } from './redis-ping';
import { resolveRedis } from './resolve-redis';

const PATH = process.env.PATH;
const portOf = (url: string) => Number(new URL(url).port);

describe('resolveRedis', () => {
  it('resolve-redis: REDIS_URL wins over a redis-server on PATH, and stop() leaves it alone', async () => {
    const resolved = await resolveRedis({ env: { REDIS_URL: 'redis://127.0.0.1:6399', PATH } });
    expect(resolved).toMatchObject({ url: 'redis://127.0.0.1:6399', source: 'env' });
    await resolved.stop();
    expect(pendingExitCleanupCount()).toBe(0);
  });

  it('resolve-redis: a REDIS_URL that is not a redis:// URL is refused with what was expected', async () => {
    await expect(resolveRedis({ env: { REDIS_URL: 'http://127.0.0.1:6379', PATH } })).rejects.toThrow(
      /REDIS_UNAVAILABLE: REDIS_URL=http:\/\/127\.0\.0\.1:6379 has protocol http:; expected redis:\/\/ or rediss:\/\//,
    );
  });

  it('resolve-redis: with REDIS_URL unset, a private redis-server answers on 127.0.0.1 and is gone after stop()', async () => {
    const resolved = await resolveRedis({ env: { PATH } });
    expect(resolved.source).toBe('private');
    expect(resolved.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await pingRedis('127.0.0.1', portOf(resolved.url), 1_000)).toBe('pong');
    expect(pendingExitCleanupCount()).toBe(1);
    await resolved.stop();
    await resolved.stop();
    expect(await pingRedis('127.0.0.1', portOf(resolved.url), 500)).toBe('refused');
    expect(pendingExitCleanupCount()).toBe(0);
  });

  it('resolve-redis: preferPrivate starts a Redis of its own even when REDIS_URL is set', async () => {
    const resolved = await resolveRedis({ env: { REDIS_URL: 'redis://127.0.0.1:6399', PATH }, preferPrivate: true });
    try {
      expect(resolved.source).toBe('private');
      expect(resolved.url).not.toBe('redis://127.0.0.1:6399');
    } finally {
      await resolved.stop();
    }
  });

  it('resolve-redis: with no redis-server on PATH and no container runtime, the error says what to install', async () => {
    const attempt = resolveRedis({ env: { PATH: '' }, containerSockets: [] });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toContain('REDIS_URL is not set');
    expect(message).toContain('no redis-server on PATH (empty)');
    expect(message).toContain('no container runtime reachable (DOCKER_HOST is not set');
    expect(message).toContain('apt-get install redis-server');
    expect(message).toContain('Docker or podman');
    expect(message).toContain('set REDIS_URL=redis://host:6379');
  });

  it('resolve-redis: a DOCKER_HOST that does not answer is named in the error', async () => {
    const socket = '/nonexistent/migsim-docker.sock';
    expect(existsSync(socket)).toBe(false);
    await expect(resolveRedis({ env: { PATH: '', DOCKER_HOST: `unix://${socket}` } })).rejects.toThrow(
      `DOCKER_HOST=unix://${socket} does not answer`,
    );
  });
});

// The testcontainers path runs whenever a container runtime answers, and must then pass.
const runtime = await findContainerRuntime(process.env);
const inCi = process.env.CI === 'true';

describe('resolveRedis through testcontainers', () => {
  // Outside CI, with no container runtime answering (DOCKER_HOST unset, no Docker/podman socket), there is
  // nothing to test against and the test is reported as skipped; in CI it always runs, and fails without one.
  it.skipIf(runtime === undefined && !inCi)(
    'resolve-redis: without redis-server on PATH, a reachable container runtime gives a Redis container on 127.0.0.1',
    async () => {
      if (runtime === undefined) {
        throw new Error(
          'CI=true but no container runtime answers (DOCKER_HOST unset or silent, no Docker/podman socket): ' +
            'the testcontainers path must be tested in CI; start `podman system service` or Docker and set DOCKER_HOST',
        );
      }
      const resolved = await resolveRedis({
        env: {
          PATH: '',
          DOCKER_HOST: runtime.dockerHost,
          TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED,
          TESTCONTAINERS_HOST_OVERRIDE: process.env.TESTCONTAINERS_HOST_OVERRIDE,
          MIGSIM_REDIS_IMAGE: process.env.MIGSIM_REDIS_IMAGE,
        },
      });
      try {
        expect(resolved.source).toBe('container');
        const url = new URL(resolved.url);
        expect(await pingRedis(url.hostname, Number(url.port), 2_000)).toBe('pong');
      } finally {
        await resolved.stop();
      }
    },
    120_000,
  );
});
