import { positiveInteger, readServedHostsConfig, type Env, type ServedHostsConfig } from '@migsim/transport';

export { ConfigError } from '@migsim/transport';

/**
 * The source host's configuration, read and validated once at start-up
 * (the only place that reads the environment): the variables every host
 * service reads (libs/transport `readServedHostsConfig`: REDIS_URL,
 * MIGSIM_NAMESPACE, MIGSIM_HOSTS or `--hosts`, MIGSIM_HEARTBEAT_MS,
 * MIGSIM_CLAIM, MIGSIM_CLAIM_LEASE_MS, MIGSIM_HEALTH_FILE) and
 *
 *   MIGSIM_TICK_MS     wall-clock period of the driver loop (default 20)
 */
export interface SourceHostConfig extends ServedHostsConfig {
  readonly tickMs: number;
}

export const SOURCE_HOST_CONFIG = Symbol('SOURCE_HOST_CONFIG');

export function readSourceHostConfig(env: Env, argv: readonly string[]): SourceHostConfig {
  const served = readServedHostsConfig(env, argv, 'src-1,src-2');
  return { ...served, tickMs: positiveInteger(env, 'MIGSIM_TICK_MS', 20) };
}
