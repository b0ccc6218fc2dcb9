import type { DynamicModule } from '@nestjs/common';
import type { ServedShardsConfig } from '../config/served-shards-config';
import { HostPresence } from '../redis/host-presence';

/**
 * Start-up of a host worker process (source-host, destination-host): settles
 * which shards it serves — all of `shards`, or with `claim` one free name of
 * them leased through Redis (replicas of one service share its environment)
 * — and returns the config narrowed to them with the app's root module, which
 * also provides the `HostPresence`, so Nest's shutdown releases the lease
 * after the shard stopped being served. A lost lease shuts the process down
 * as SIGTERM does.
 */
export async function servedShards<C extends ServedShardsConfig>(role: string, config: C, forRoot: (config: C) => DynamicModule): Promise<{ config: C; module: DynamicModule }> {
  const presence = await HostPresence.start({
    url: config.redisUrl,
    namespace: config.namespace,
    hosts: config.shards,
    claim: config.claim,
    periodMs: config.heartbeatMs,
    leaseMs: config.claimLeaseMs,
    healthFile: config.healthFile,
    onLost: () => process.kill(process.pid, 'SIGTERM'),
    log: (line) => process.stderr.write(`${role}: ${line}\n`),
  });
  const served = { ...config, shards: presence.hosts };
  const module = forRoot(served);
  return { config: served, module: { ...module, providers: [...(module.providers ?? []), { provide: HostPresence, useValue: presence }] } };
}
