import type { DeliveryPolicy } from '../queue/delivery-policy';

/**
 * The environment both host worker services read alike (source-host,
 * destination-host): where Redis is, the queue namespace, the shards of
 * simulated hosts the process serves and how it claims them. Each service
 * calls `readServedShardsConfig` once at start-up; nothing here reads
 * `process.env` itself.
 *
 *   REDIS_URL              redis://host:port (required)
 *   MIGSIM_NAMESPACE       queue namespace shared with the controller (default `migsim`)
 *   MIGSIM_SHARDS          shards this process serves, comma-separated (or `--shards a,b`):
 *                          the controller spreads each run's hosts over the shards it
 *                          knows, and a process steps every host of its shards
 *   MIGSIM_HEARTBEAT_MS    lease renewal period (default 500)
 *   MIGSIM_CLAIM           `1`: serve ONE shard, claimed through Redis from the
 *                          MIGSIM_SHARDS pool (replicas share one environment)
 *   MIGSIM_CLAIM_LEASE_MS  claim lease, renewed every heartbeat (default 5000)
 *   MIGSIM_HEALTH_FILE     touched after each heartbeat-period round trip to
 *                          Redis, for a container health check (default: none)
 *   MIGSIM_LOCK_DURATION_MS, MIGSIM_STALLED_INTERVAL_MS
 *                          the consumer's job lock and stalled-job check (see
 *                          `readDeliveryOverrides`; default: the delivery policy's)
 */
export interface ServedShardsConfig {
  readonly redisUrl: string;
  readonly namespace: string;
  /** The shards served, or the pool one is claimed from. */
  readonly shards: readonly string[];
  readonly heartbeatMs: number;
  readonly claim: boolean;
  readonly claimLeaseMs: number;
  readonly healthFile: string | null;
  /** The delivery policy's settings given in the environment (the rest are the defaults). */
  readonly delivery: Partial<DeliveryPolicy>;
}

/** A variable that is missing or malformed: one line naming it and what was expected. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export type Env = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** `defaultShards` when none is given (e.g. `source-0`). */
export function readServedShardsConfig(env: Env, argv: readonly string[], defaultShards: string): ServedShardsConfig {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl || !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL: expected redis://host:port, got ${JSON.stringify(redisUrl ?? '')}`);
  const namespace = env.MIGSIM_NAMESPACE || 'migsim';
  if (!NAME.test(namespace)) throw new ConfigError(`MIGSIM_NAMESPACE: expected letters, digits, '-' or '_', got ${JSON.stringify(namespace)}`);
  const flag = argv.indexOf('--shards');
  const text = (flag >= 0 ? argv[flag + 1] : env.MIGSIM_SHARDS) || defaultShards;
  const shards = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (shards.length === 0) throw new ConfigError(`MIGSIM_SHARDS (or --shards): expected at least one shard name, e.g. ${defaultShards}`);
  for (const shard of shards) if (!NAME.test(shard)) throw new ConfigError(`MIGSIM_SHARDS: ${JSON.stringify(shard)} is not a valid shard name (letters, digits, '-' or '_')`);
  return {
    redisUrl,
    namespace,
    shards,
    heartbeatMs: positiveInteger(env, 'MIGSIM_HEARTBEAT_MS', 500),
    claim: flag01(env, 'MIGSIM_CLAIM'),
    claimLeaseMs: positiveInteger(env, 'MIGSIM_CLAIM_LEASE_MS', 5_000),
    healthFile: env.MIGSIM_HEALTH_FILE || null,
    delivery: readDeliveryOverrides(env),
  };
}

/**
 * How soon a message whose consumer died goes to another consumer, for every
 * service alike (host workers, the controller): about the job lock plus two
 * stalled-job checks. The defaults (10 s and 5 s, `DEFAULT_DELIVERY_POLICY`)
 * suit production; fault tests that kill a process shorten them.
 *
 *   MIGSIM_LOCK_DURATION_MS     how long a consumer's lock on the message in
 *                               hand lasts unrenewed. The lock is renewed from
 *                               the event loop, so keep it well above the
 *                               longest synchronous stretch of a handler (a
 *                               window, or a rebuild from a long journal): a
 *                               lock that lapses under a live handler hands its
 *                               message out again (harmless, but counted
 *                               towards maxStalledCount)
 *   MIGSIM_STALLED_INTERVAL_MS  how often lapsed locks are looked for
 */
export function readDeliveryOverrides(env: Env): Partial<DeliveryPolicy> {
  const overrides: { lockDurationMs?: number; stalledIntervalMs?: number } = {};
  if (env.MIGSIM_LOCK_DURATION_MS) overrides.lockDurationMs = positiveInteger(env, 'MIGSIM_LOCK_DURATION_MS', 0);
  if (env.MIGSIM_STALLED_INTERVAL_MS) overrides.stalledIntervalMs = positiveInteger(env, 'MIGSIM_STALLED_INTERVAL_MS', 0);
  return overrides;
}

export function positiveInteger(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${name}: expected an integer >= 1, got ${JSON.stringify(text)}`);
  return value;
}

function flag01(env: Env, name: string): boolean {
  const text = env[name];
  if (text === undefined || text === '' || text === '0') return false;
  if (text === '1') return true;
  throw new ConfigError(`${name}: expected 1 or 0, got ${JSON.stringify(text)}`);
}
