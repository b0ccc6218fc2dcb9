import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveTestRedis, uniqueNamespace, waitUntil } from '../testing/test-redis';
import { HostPresence, type HostPresenceOptions } from './host-presence';
import { PrivateRedisServer } from './private-redis-server';
import { purgeNamespace } from './purge-namespace';
import type { ResolvedRedis } from './resolve-redis';

let redis: ResolvedRedis;
let client: Redis;
let dir: string;
beforeAll(async () => {
  redis = await resolveTestRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  dir = mkdtempSync(join(tmpdir(), 'host-presence-'));
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const started: HostPresence[] = [];
const namespaces: string[] = [];
afterEach(async () => {
  for (const presence of started.splice(0)) await presence.stop();
  for (const namespace of namespaces.splice(0)) await purgeNamespace(redis.url, namespace);
});

function namespaceFor(label: string): string {
  const namespace = uniqueNamespace(label);
  namespaces.push(namespace);
  return namespace;
}

interface Started {
  presence: HostPresence;
  lost: string[];
}

async function startPresence(options: Partial<HostPresenceOptions> & { namespace: string }, url = redis.url): Promise<Started> {
  const lost: string[] = [];
  const presence = await HostPresence.start({
    url,
    hosts: ['src-1', 'src-2', 'src-3'],
    claim: true,
    periodMs: 50,
    leaseMs: 400,
    healthFile: null,
    onLost: (host, reason) => lost.push(`${host}: ${reason}`),
    log: () => {},
    ...options,
  });
  started.push(presence);
  return { presence, lost };
}

function claimKey(namespace: string, host: string): string {
  return `{migsim:${namespace}}:shard-claim:${host}`;
}

describe('HostPresence: claiming one host of a pool through Redis', () => {
  it('shard-claim: replicas with the same pool claim distinct hosts, in pool order', async () => {
    const namespace = namespaceFor('distinct');
    const claims = [];
    for (let replica = 0; replica < 3; replica++) claims.push((await startPresence({ namespace })).presence.hosts);
    expect(claims).toEqual([['src-1'], ['src-2'], ['src-3']]);
    expect(await client.get(claimKey(namespace, 'src-2'))).toBe(started[1]!.owner);
  });

  it('shard-claim: a replica finding the pool taken waits, and gets the host another replica released on shutdown', async () => {
    const namespace = namespaceFor('wait');
    const first = await startPresence({ namespace, hosts: ['dst-1'] });
    let fourth: HostPresence | undefined;
    const claiming = startPresence({ namespace, hosts: ['dst-1'] }).then((entry) => (fourth = entry.presence));
    await new Promise((wake) => setTimeout(wake, 200));
    expect(fourth).toBeUndefined();
    await first.presence.stop();
    await claiming;
    expect(fourth!.hosts).toEqual(['dst-1']);
    expect(await client.get(claimKey(namespace, 'dst-1'))).toBe(fourth!.owner);
  });

  it('shard-claim: renewals keep the lease well past its length, and release deletes it', async () => {
    const namespace = namespaceFor('renew');
    const { presence, lost } = await startPresence({ namespace, hosts: ['src-1'] });
    await new Promise((wake) => setTimeout(wake, 1_000));
    expect(await client.get(claimKey(namespace, 'src-1'))).toBe(presence.owner);
    expect(await client.pttl(claimKey(namespace, 'src-1'))).toBeGreaterThan(200);
    expect(lost).toEqual([]);
    await presence.stop();
    expect(await client.exists(claimKey(namespace, 'src-1'))).toBe(0);
  });

  it('shard-claim: a lease found in another owner’s hands is lost, and stopping then leaves that owner’s claim alone', async () => {
    const namespace = namespaceFor('taken');
    const { presence, lost } = await startPresence({ namespace, hosts: ['src-1'] });
    // What a lapse looks like from Redis: the key expired and another replica claimed the host.
    await client.set(claimKey(namespace, 'src-1'), 'other-replica', 'PX', 10_000);
    expect(await waitUntil(() => lost.length > 0, 5_000)).toBe(true);
    expect(lost[0]).toMatch(/^src-1: the lease lapsed and another process holds it/);
    await presence.stop();
    expect(await client.get(claimKey(namespace, 'src-1'))).toBe('other-replica');
  });

  it('shard-claim: a lease that lapsed while no other replica took the host is claimed again, not lost', async () => {
    const namespace = namespaceFor('lapsed-free');
    const { presence, lost } = await startPresence({ namespace, hosts: ['src-1'] });
    // What a stalled event loop leaves behind: the key expired and nobody claimed the host meanwhile.
    await client.del(claimKey(namespace, 'src-1'));
    await expect.poll(() => client.get(claimKey(namespace, 'src-1')), { timeout: 5_000, interval: 20 }).toBe(presence.owner);
    expect(lost).toEqual([]);
  });

  it('shard-claim: a replica that cannot reach Redis for the lease length loses its host, and its health file goes stale', async () => {
    const server = new PrivateRedisServer({ env: { PATH: process.env.PATH } });
    await server.start();
    const url = server.url;
    try {
      const healthFile = join(dir, 'lapse-alive');
      const { presence, lost } = await startPresence({ namespace: 'lapse', hosts: ['src-1'], healthFile }, url);
      expect(presence.hosts).toEqual(['src-1']);
      expect(await waitUntil(() => statSync(healthFile, { throwIfNoEntry: false }) !== undefined, 5_000)).toBe(true);
      await server.stop();
      const stoppedAt = Date.now();
      expect(await waitUntil(() => lost.length > 0, 5_000)).toBe(true);
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(300);
      expect(lost[0]).toMatch(/^src-1: not renewed for \d+ ms/);
      const touched = statSync(healthFile).mtimeMs;
      await new Promise((wake) => setTimeout(wake, 300));
      expect(statSync(healthFile).mtimeMs).toBe(touched);
    } finally {
      await server.stop();
    }
  });

  it('shard-claim: without a claim the process leases every name it was given (one process per shard) and touches its health file each period', async () => {
    const namespace = namespaceFor('no-claim');
    const healthFile = join(dir, 'no-claim-alive');
    const { presence } = await startPresence({ namespace, claim: false, healthFile });
    expect(presence.hosts).toEqual(['src-1', 'src-2', 'src-3']);
    const first = statSync(healthFile).mtimeMs;
    expect(await waitUntil(() => statSync(healthFile).mtimeMs > first, 5_000)).toBe(true);
    expect((await client.keys(`{migsim:${namespace}}:*`)).sort()).toEqual(['src-1', 'src-2', 'src-3'].map((host) => claimKey(namespace, host)));
  });
});
