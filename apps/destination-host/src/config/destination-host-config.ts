/**
 * The destination host's configuration, read and validated once at start-up
 * (the only place that reads the environment).
 *
 *   REDIS_URL            redis://host:port (required)
 *   MIGSIM_NAMESPACE     queue namespace shared with the controller (default `migsim`)
 *   MIGSIM_HOSTS         simulated hosts this process serves, comma-separated (or `--hosts dst-1,dst-2`)
 *   MIGSIM_HEARTBEAT_MS  heartbeat period (default 500)
 *   MIGSIM_PAGE_CONCURRENCY  page-stream handlers at once per host (default 64)
 *   MIGSIM_CLAIM         `1`: serve ONE host, claimed through Redis from the
 *                        MIGSIM_HOSTS pool (replicas share one environment)
 *   MIGSIM_CLAIM_LEASE_MS  claim lease, renewed every heartbeat (default 5000)
 *   MIGSIM_HEALTH_FILE   touched after each heartbeat-period round trip to
 *                        Redis, for a container health check (default: none)
 */
export interface DestinationHostConfig {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly hosts: readonly string[];
  readonly heartbeatMs: number;
  readonly pageConcurrency: number;
  readonly claim: boolean;
  readonly claimLeaseMs: number;
  readonly healthFile: string | null;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export const DESTINATION_HOST_CONFIG = Symbol('DESTINATION_HOST_CONFIG');

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function readDestinationHostConfig(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): DestinationHostConfig {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl || !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL: expected redis://host:port, got ${JSON.stringify(redisUrl ?? '')}`);
  const namespace = env.MIGSIM_NAMESPACE || 'migsim';
  if (!NAME.test(namespace)) throw new ConfigError(`MIGSIM_NAMESPACE: expected letters, digits, '-' or '_', got ${JSON.stringify(namespace)}`);
  const flag = argv.indexOf('--hosts');
  const hostsText = flag >= 0 ? argv[flag + 1] : env.MIGSIM_HOSTS;
  const hosts = (hostsText ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (hosts.length === 0) throw new ConfigError('MIGSIM_HOSTS (or --hosts): expected at least one host name, e.g. dst-1,dst-2');
  for (const host of hosts) if (!NAME.test(host)) throw new ConfigError(`MIGSIM_HOSTS: ${JSON.stringify(host)} is not a valid host name`);
  const heartbeatText = env.MIGSIM_HEARTBEAT_MS;
  const heartbeatMs = heartbeatText === undefined || heartbeatText === '' ? 500 : Number(heartbeatText);
  if (!Number.isSafeInteger(heartbeatMs) || heartbeatMs < 1) throw new ConfigError(`MIGSIM_HEARTBEAT_MS: expected an integer >= 1, got ${JSON.stringify(heartbeatText)}`);
  const concurrencyText = env.MIGSIM_PAGE_CONCURRENCY;
  const pageConcurrency = concurrencyText === undefined || concurrencyText === '' ? 64 : Number(concurrencyText);
  if (!Number.isSafeInteger(pageConcurrency) || pageConcurrency < 1) {
    throw new ConfigError(`MIGSIM_PAGE_CONCURRENCY: expected an integer >= 1, got ${JSON.stringify(concurrencyText)}`);
  }
  const claimText = env.MIGSIM_CLAIM ?? '';
  if (!['', '0', '1'].includes(claimText)) throw new ConfigError(`MIGSIM_CLAIM: expected 1 or 0, got ${JSON.stringify(claimText)}`);
  const leaseText = env.MIGSIM_CLAIM_LEASE_MS;
  const claimLeaseMs = leaseText === undefined || leaseText === '' ? 5_000 : Number(leaseText);
  if (!Number.isSafeInteger(claimLeaseMs) || claimLeaseMs < 1) throw new ConfigError(`MIGSIM_CLAIM_LEASE_MS: expected an integer >= 1, got ${JSON.stringify(leaseText)}`);
  return { redisUrl, namespace, hosts, heartbeatMs, pageConcurrency, claim: claimText === '1', claimLeaseMs, healthFile: env.MIGSIM_HEALTH_FILE || null };
}
