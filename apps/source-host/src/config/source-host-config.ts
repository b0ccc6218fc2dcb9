/**
 * The source host's configuration, read and validated once at start-up
 * (the only place that reads the environment).
 *
 *   REDIS_URL          redis://host:port (required)
 *   MIGSIM_NAMESPACE   queue namespace shared with the controller (default `migsim`)
 *   MIGSIM_HOSTS       simulated hosts this process serves, comma-separated
 *                      (or `--hosts src-1,src-2` on the command line)
 *   MIGSIM_TICK_MS     wall-clock period of the driver loop (default 20)
 *   MIGSIM_HEARTBEAT_MS  heartbeat period (default 500)
 *   MIGSIM_CLAIM       `1`: serve ONE host, claimed through Redis from the
 *                      MIGSIM_HOSTS pool (replicas share one environment)
 *   MIGSIM_CLAIM_LEASE_MS  claim lease, renewed every heartbeat (default 5000)
 *   MIGSIM_HEALTH_FILE  touched after each heartbeat-period round trip to
 *                      Redis, for a container health check (default: none)
 */
export interface SourceHostConfig {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly hosts: readonly string[];
  readonly tickMs: number;
  readonly heartbeatMs: number;
  readonly claim: boolean;
  readonly claimLeaseMs: number;
  readonly healthFile: string | null;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export const SOURCE_HOST_CONFIG = Symbol('SOURCE_HOST_CONFIG');

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function readSourceHostConfig(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): SourceHostConfig {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl || !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL: expected redis://host:port, got ${JSON.stringify(redisUrl ?? '')}`);
  const namespace = env.MIGSIM_NAMESPACE || 'migsim';
  if (!NAME.test(namespace)) throw new ConfigError(`MIGSIM_NAMESPACE: expected letters, digits, '-' or '_', got ${JSON.stringify(namespace)}`);
  const flag = argv.indexOf('--hosts');
  const hostsText = flag >= 0 ? argv[flag + 1] : env.MIGSIM_HOSTS;
  const hosts = (hostsText ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (hosts.length === 0) throw new ConfigError('MIGSIM_HOSTS (or --hosts): expected at least one host name, e.g. src-1,src-2');
  for (const host of hosts) if (!NAME.test(host)) throw new ConfigError(`MIGSIM_HOSTS: ${JSON.stringify(host)} is not a valid host name`);
  return {
    redisUrl,
    namespace,
    hosts,
    tickMs: positiveInteger(env, 'MIGSIM_TICK_MS', 20),
    heartbeatMs: positiveInteger(env, 'MIGSIM_HEARTBEAT_MS', 500),
    claim: flag01(env, 'MIGSIM_CLAIM'),
    claimLeaseMs: positiveInteger(env, 'MIGSIM_CLAIM_LEASE_MS', 5_000),
    healthFile: env.MIGSIM_HEALTH_FILE || null,
  };
}

function flag01(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const text = env[name];
  if (text === undefined || text === '' || text === '0') return false;
  if (text === '1') return true;
  throw new ConfigError(`${name}: expected 1 or 0, got ${JSON.stringify(text)}`);
}

function positiveInteger(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${name}: expected an integer >= 1, got ${JSON.stringify(text)}`);
  return value;
}
