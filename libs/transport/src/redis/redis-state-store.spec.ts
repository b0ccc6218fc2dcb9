import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTransportError } from '../errors';
import { resolveTestRedis, uniqueNamespace } from '../testing/test-redis';
import { findFreePort } from './free-port';
import { namespaceKeys, purgeNamespace } from './purge-namespace';
import { RedisStateStore } from './redis-state-store';
import type { ResolvedRedis } from './resolve-redis';

let redis: ResolvedRedis;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const opened: { store: RedisStateStore; namespace: string }[] = [];

function openStore(label: string, namespace = uniqueNamespace(label)): { store: RedisStateStore; namespace: string } {
  const entry = { store: new RedisStateStore({ url: redis.url, namespace }), namespace };
  opened.push(entry);
  return entry;
}

afterEach(async () => {
  for (const { store, namespace } of opened.splice(0)) {
    store.close();
    await purgeNamespace(redis.url, namespace);
  }
});

describe('RedisStateStore on real Redis', () => {
  it('state-store: a value set is read back, and a key never set reads as null', async () => {
    const { store } = openStore('get-set');
    await store.set('controller:run:r1', '{"status":"running"}');
    expect(await store.get('controller:run:r1')).toBe('{"status":"running"}');
    await store.set('controller:run:r1', '{"status":"completed"}');
    expect(await store.get('controller:run:r1')).toBe('{"status":"completed"}');
    expect(await store.get('controller:run:missing')).toBeNull();
  });

  it('state-store: setIfAbsent sets a key once; a second call keeps the first value', async () => {
    const { store } = openStore('set-nx');
    expect(await store.setIfAbsent('controller:autostart:a', 'first')).toBe(true);
    expect(await store.setIfAbsent('controller:autostart:a', 'second')).toBe(false);
    expect(await store.get('controller:autostart:a')).toBe('first');
  });

  it('state-store: a set keeps each member once and an absent set has no members', async () => {
    const { store } = openStore('sets');
    await store.addToSet('controller:runs', 'r1');
    await store.addToSet('controller:runs', 'r2');
    await store.addToSet('controller:runs', 'r1');
    expect((await store.setMembers('controller:runs')).sort()).toEqual(['r1', 'r2']);
    expect(await store.setMembers('controller:nothing')).toEqual([]);
  });

  it('state-store: every key sits under the deployment hash tag, in the same cluster slot as its queues', async () => {
    const { store, namespace } = openStore('layout');
    await store.set('controller:report:r1', '{}');
    await store.addToSet('controller:runs', 'r1');
    expect(store.prefix).toBe(`{migsim:${namespace}}`);
    expect(await namespaceKeys(redis.url, namespace)).toEqual([`{migsim:${namespace}}:controller:report:r1`, `{migsim:${namespace}}:controller:runs`]);
  });

  it('state-store: a second store on the same namespace sees the state, as a restarted controller does', async () => {
    const namespace = uniqueNamespace('restart');
    const first = openStore('restart', namespace).store;
    await first.set('controller:run:r1', 'saved before restart');
    first.close();
    const second = openStore('restart', namespace).store;
    expect(await second.get('controller:run:r1')).toBe('saved before restart');
  });

  it('state-store: namespaces do not see each other', async () => {
    const a = openStore('ns-a').store;
    const b = openStore('ns-b').store;
    await a.set('controller:run:r1', 'a');
    expect(await b.get('controller:run:r1')).toBeNull();
  });

  it('state-store: a key that would leave the hash tag is refused with STATE_KEY_INVALID', async () => {
    const { store } = openStore('bad-key');
    for (const key of ['', '{other}:x', 'has space', ':leading']) {
      await expect(store.set(key, 'v')).rejects.toSatisfy((error: unknown) => isTransportError(error, 'STATE_KEY_INVALID'));
    }
  });

  it('state-store: ping answers true while Redis is up', async () => {
    const { store } = openStore('ping');
    expect(await store.ping()).toBe(true);
  });
});

describe('RedisStateStore without Redis', () => {
  it('state-store: with nothing listening, a command fails within seconds instead of hanging', async () => {
    const port = await findFreePort('127.0.0.1');
    const store = new RedisStateStore({ url: `redis://127.0.0.1:${port}`, namespace: uniqueNamespace('away'), commandTimeoutMs: 500 });
    const startedMs = Date.now();
    try {
      await expect(store.get('controller:runs')).rejects.toThrow();
      expect(Date.now() - startedMs).toBeLessThan(3_000);
    } finally {
      store.close();
    }
  });
});
