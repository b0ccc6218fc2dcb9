import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeNamespace } from '../redis/purge-namespace';
import type { ResolvedRedis } from '../redis/resolve-redis';
import { conformanceCodecs, note, type ConformanceMessage } from '../testing/conformance-messages';
import { Inbox } from '../testing/queue-port-conformance';
import { RecordingLogger } from '../testing/recording-logger';
import { resolveTestRedis, uniqueNamespace } from '../testing/test-redis';
import { BullmqQueuePort } from './bullmq-queue-port';
import { QueueWatch } from './queue-watch';

let redis: ResolvedRedis;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('QueueWatch', () => {
  it('queue-watch: counts jobs by state in the namespace it watches, and opens each queue once', async () => {
    const namespace = uniqueNamespace('watch');
    const port = new BullmqQueuePort({ url: redis.url, namespace, codecs: conformanceCodecs(), logger: new RecordingLogger() });
    const watch = new QueueWatch({ url: redis.url, namespace });
    // Two queues of the namespace: one only sent to, one with a consumer and a delayed job.
    const sentOnly = 'watch.sent-only';
    const consumed = 'watch.consumed';
    try {
      expect(watch.watch([sentOnly, consumed])).toEqual([sentOnly, consumed]);
      expect(watch.watch([consumed, port.layout.deadLetter])).toEqual([port.layout.deadLetter]);
      expect(watch.names()).toEqual([sentOnly, consumed, port.layout.deadLetter]);

      await port.send(sentOnly, note(1), { jobId: 'w~1' });
      await port.send(sentOnly, note(2), { jobId: 'w~2' });
      await port.send(consumed, note(3), { jobId: 'w~3', delayMs: 60_000 });
      const inbox = new Inbox<ConformanceMessage>();
      await port.consume(consumed, inbox.handler, { concurrency: 1 });
      await port.send(consumed, note(4), { jobId: 'w~4' });
      await inbox.waitFor(1);

      const counts = await watch.counts();
      expect(counts.map((entry) => entry.queue)).toEqual([sentOnly, consumed, port.layout.deadLetter]);
      expect(counts[0]).toMatchObject({ waiting: 2, active: 0, delayed: 0, completed: 0, failed: 0 });
      expect(counts[1]).toMatchObject({ waiting: 0, delayed: 1 });
      await expect.poll(async () => (await watch.counts())[1]!.completed).toBe(1);
      expect(counts[2]).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });

      const adapter = watch.boardAdapter(sentOnly);
      expect(adapter.getDisplayName()).toBe(sentOnly);
      expect(adapter.readOnlyMode).toBe(true);
      expect(() => watch.boardAdapter('watch.unwatched')).toThrow('not watched');
      expect(() => watch.watch(['bad:name'])).toThrow(/queue name/);
    } finally {
      await watch.close();
      await port.close();
      await purgeNamespace(redis.url, namespace);
    }
    expect(watch.watch([sentOnly])).toEqual([]);
  });
});
