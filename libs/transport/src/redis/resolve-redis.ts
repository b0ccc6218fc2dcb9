import { RedisUnavailableError } from '../errors';
import { containerRuntimeCandidates, findContainerRuntime } from './container-runtime';
import { DEFAULT_REDIS_IMAGE, startContainerRedis } from './container-redis';
import { findExecutable } from './find-executable';
import { PrivateRedisServer } from './private-redis-server';

type Env = Readonly<Record<string, string | undefined>>;

export type RedisSource = 'env' | 'private' | 'container';

export interface ResolvedRedis {
  /** `redis://host:port` (or whatever REDIS_URL said). */
  readonly url: string;
  readonly source: RedisSource;
  /** Stops what resolveRedis started; a no-op for REDIS_URL. Idempotent. */
  stop(): Promise<void>;
}

export interface ResolveRedisOptions {
  /**
   * The environment to read: REDIS_URL, PATH, DOCKER_HOST, XDG_RUNTIME_DIR,
   * HOME, MIGSIM_REDIS_IMAGE, TESTCONTAINERS_*. Defaults to `process.env`,
   * read here at the entry and nowhere deeper.
   */
  env?: Env;
  /** Persist every write (AOF, fsync always) in a Redis we start ourselves. */
  persistent?: boolean;
  /**
   * System-wide sockets to probe for a Docker-compatible API when DOCKER_HOST
   * is unset; defaults to Docker's and rootful podman's.
   */
  containerSockets?: readonly string[];
  /**
   * Ignore REDIS_URL and start a Redis of our own: for tests that kill or
   * restart Redis, which must never touch a shared server.
   */
  preferPrivate?: boolean;
}

/**
 * Finds Redis the way users and tests do, in this order:
 *  1. `REDIS_URL`, when set (unless `preferPrivate`);
 *  2. a private `redis-server` from PATH on a free 127.0.0.1 port;
 *  3. a testcontainers container (`MIGSIM_REDIS_IMAGE`, default redis:7-alpine)
 *     when a Docker-compatible runtime answers;
 *  4. otherwise a RedisUnavailableError saying what to install.
 */
export async function resolveRedis(options: ResolveRedisOptions = {}): Promise<ResolvedRedis> {
  const env = options.env ?? process.env;
  const persistent = options.persistent ?? false;
  const tried: string[] = [];

  if (!options.preferPrivate) {
    const fromEnv = env.REDIS_URL;
    if (fromEnv !== undefined && fromEnv !== '') return redisFromUrl(fromEnv);
    tried.push('REDIS_URL is not set');
  } else {
    tried.push('REDIS_URL ignored (a private Redis was asked for)');
  }

  const executable = findExecutable('redis-server', env.PATH);
  if (executable !== undefined) {
    const server = new PrivateRedisServer({ executable, persistent });
    try {
      await server.start();
      return { url: server.url, source: 'private', stop: () => server.stop() };
    } catch (error) {
      tried.push(`redis-server at ${executable} failed to start: ${(error as Error).message}`);
    }
  } else {
    tried.push(`no redis-server on PATH (${env.PATH || 'empty'})`);
  }

  const runtime = await findContainerRuntime(env, undefined, options.containerSockets);
  if (runtime !== undefined) {
    try {
      const container = await startContainerRedis(env, runtime, persistent);
      return { url: container.url, source: 'container', stop: container.stop };
    } catch (error) {
      tried.push(
        `a container runtime answered at ${runtime.dockerHost} but ${env.MIGSIM_REDIS_IMAGE || DEFAULT_REDIS_IMAGE} did not start: ${(error as Error).message}`,
      );
    }
  } else {
    const candidates = containerRuntimeCandidates(env, options.containerSockets);
    tried.push(
      env.DOCKER_HOST
        ? `DOCKER_HOST=${env.DOCKER_HOST} does not answer`
        : `no container runtime reachable (DOCKER_HOST is not set${candidates.length > 0 ? `; ${candidates.join(', ')} did not answer` : '; no Docker or podman socket found'})`,
    );
  }

  throw new RedisUnavailableError(
    `no Redis available: ${tried.join('; ')}. ` +
      'Install Redis (`apt-get install redis-server`), ' +
      'or make Docker or podman reachable for testcontainers (DOCKER_HOST, e.g. unix:///run/podman/podman.sock), ' +
      'or set REDIS_URL=redis://host:6379.',
  );
}

function redisFromUrl(url: string): ResolvedRedis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUnavailableError(`REDIS_URL=${url} is not a URL; expected redis://host:port or rediss://host:port`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisUnavailableError(`REDIS_URL=${url} has protocol ${parsed.protocol}; expected redis:// or rediss://`);
  }
  return { url, source: 'env', stop: async () => {} };
}
