import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeySlot } from '../naming/key-slot';
import { namespaceKeys, purgeNamespace } from '../redis/purge-namespace';
import type { ResolvedRedis } from '../redis/resolve-redis';
import { conformanceCodecs, type ConformanceMessage } from '../testing/conformance-messages';
import { describeQueuePortConformance, Inbox } from '../testing/queue-port-conformance';
import { RecordingLogger } from '../testing/recording-logger';
import { resolveTestRedis, uniqueNamespace } from '../testing/test-redis';
import { BullmqQueuePort } from './bullmq-queue-port';

let redis: ResolvedRedis;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describeQueuePortConformance('BullmqQueuePort on real Redis', async (delivery) => {
  const namespace = uniqueNamespace('conformance');
  const logger = new RecordingLogger();
  const port = new BullmqQueuePort({ url: redis.url, namespace, codecs: conformanceCodecs(), delivery, logger });
  return {
    port,
    logger,
    sendRaw: async (queue, body, jobId) => {
      const raw = new Queue(queue, { connection: { url: redis.url }, prefix: port.layout.prefix });
      try {
        await raw.add('raw', body, { jobId, attempts: delivery.maxAttempts });
      } finally {
        await raw.close();
      }
    },
    dispose: async () => {
      await port.close();
      await purgeNamespace(redis.url, namespace);
    },
  };
});

describe('BullmqQueuePort specifics', () => {
  it('bullmq-port: every Redis key a namespace creates carries its hash tag and falls in one cluster slot; purge removes them all', async () => {
    const namespace = uniqueNamespace('slots');
    const port = new BullmqQueuePort({ url: redis.url, namespace, codecs: conformanceCodecs(), logger: new RecordingLogger() });
    try {
      const inbox = new Inbox<ConformanceMessage>();
      await port.consume('slots.consumed', inbox.handler, { concurrency: 1 });
      await port.send('slots.consumed', { v: 1, type: 'conformance.note', text: 'a', n: 1 }, { jobId: 'slot~1' });
      await port.send('slots.delayed', { v: 1, type: 'conformance.note', text: 'b', n: 2 }, { jobId: 'slot~2', delayMs: 60_000 });
      await port.send('slots.waiting', { v: 1, type: 'conformance.note', text: 'c', n: 3 }, { jobId: 'slot~3' });
      await inbox.waitFor(1);
    } finally {
      await port.close();
    }
    const keys = await namespaceKeys(redis.url, namespace);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.every((key) => key.startsWith(`{migsim:${namespace}}:`))).toBe(true);
    expect(new Set(keys.map(redisKeySlot))).toEqual(new Set([redisKeySlot(`migsim:${namespace}`)]));
    expect(keys).toEqual(
      expect.arrayContaining([`{migsim:${namespace}}:slots.consumed:slot~1`, `{migsim:${namespace}}:slots.delayed:delayed`, `{migsim:${namespace}}:slots.waiting:wait`]),
    );
    expect(await purgeNamespace(redis.url, namespace)).toBe(keys.length);
    expect(await namespaceKeys(redis.url, namespace)).toEqual([]);
  });

  it('bullmq-port: BullMQ 6.7 itself refuses a four-part ":" job id and an integer id, which is why ids are spelled with "~"', async () => {
    const namespace = uniqueNamespace('raw-ids');
    const raw = new Queue('raw.ids', { connection: { url: redis.url }, prefix: `{migsim:${namespace}}` });
    try {
      await expect(raw.add('x', {}, { jobId: 'run:vm:1:2' })).rejects.toThrow('Custom Id cannot contain :');
      await expect(raw.add('x', {}, { jobId: '12' })).rejects.toThrow('Custom Id cannot be integers');
      const job = await raw.add('x', {}, { jobId: 'run~vm~1~2' });
      expect(job.id).toBe('run~vm~1~2');
    } finally {
      await raw.close();
      await purgeNamespace(redis.url, namespace);
    }
  });
});
