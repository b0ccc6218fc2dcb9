import { positiveInteger, readServedHostsConfig, type Env, type ServedHostsConfig } from '@migsim/transport';

export { ConfigError } from '@migsim/transport';

/**
 * The destination host's configuration, read and validated once at start-up
 * (the only place that reads the environment): the variables every host
 * service reads (libs/transport `readServedHostsConfig`: REDIS_URL,
 * MIGSIM_NAMESPACE, MIGSIM_HOSTS or `--hosts`, MIGSIM_HEARTBEAT_MS,
 * MIGSIM_CLAIM, MIGSIM_CLAIM_LEASE_MS, MIGSIM_HEALTH_FILE) and
 *
 *   MIGSIM_PAGE_CONCURRENCY  page-stream handlers at once per host (default 64)
 */
export interface DestinationHostConfig extends ServedHostsConfig {
  readonly pageConcurrency: number;
}

export const DESTINATION_HOST_CONFIG = Symbol('DESTINATION_HOST_CONFIG');

export function readDestinationHostConfig(env: Env, argv: readonly string[]): DestinationHostConfig {
  const served = readServedHostsConfig(env, argv, 'dst-1,dst-2');
  return { ...served, pageConcurrency: positiveInteger(env, 'MIGSIM_PAGE_CONCURRENCY', 64) };
}
