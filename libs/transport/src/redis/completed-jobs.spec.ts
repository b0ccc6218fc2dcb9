import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqQueuePort } from '../queue/bullmq-queue-port';
import { conformanceCodecs, note, type ConformanceMessage } from '../testing/conformance-messages';
import { Inbox } from '../testing/queue-port-conformance';
import { RecordingLogger } from '../testing/recording-logger';
import { resolveTestRedis, uniqueNamespace } from '../testing/test-redis';
import { completedJobs, RedisCpuProbe } from './completed-jobs';
import { purgeNamespace } from './purge-namespace';
import type { ResolvedRedis } from './resolve-redis';

let redis: ResolvedRedis;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('completedJobs', () => {
  it('completed jobs: lists each completed job of the named queues once, with added <= taken <= completed times', async () => {
    const namespace = uniqueNamespace('completed-jobs');
    const port = new BullmqQueuePort({ url: redis.url, namespace, codecs: conformanceCodecs(), logger: new RecordingLogger() });
    try {
      const inbox = new Inbox<ConformanceMessage>();
      await port.consume('notes', inbox.handler, { concurrency: 2 });
      const beforeMs = Date.now();
      await port.sendBulk('notes', [0, 1, 2].map((n) => ({ message: note(n), jobId: `note-${n}` })));
      await port.send('elsewhere', note(9), { jobId: 'never-taken' });
      await inbox.waitFor(3);
      // A handler returns before its completion is recorded: wait for the third.
      let jobs = await completedJobs(redis.url, namespace, ['notes', 'elsewhere']);
      for (let tries = 0; jobs.length < 3 && tries < 100; tries++) {
        await new Promise((wake) => setTimeout(wake, 20));
        jobs = await completedJobs(redis.url, namespace, ['notes', 'elsewhere']);
      }
      expect(jobs.map((job) => `${job.queue}/${job.jobId}`).sort()).toEqual(['notes/note-0', 'notes/note-1', 'notes/note-2']);
      for (const job of jobs) {
        expect(job.createdAtMs).toBeGreaterThanOrEqual(beforeMs);
        expect(job.processedAtMs).toBeGreaterThanOrEqual(job.createdAtMs);
        expect(job.finishedAtMs).toBeGreaterThanOrEqual(job.processedAtMs);
      }
    } finally {
      await port.close();
      await purgeNamespace(redis.url, namespace);
    }
  });
});

describe('RedisCpuProbe', () => {
  it('cpu seconds: reads a positive, non-decreasing total that grows while Redis works', async () => {
    const probe = new RedisCpuProbe(redis.url);
    try {
      const before = await probe.cpuSeconds();
      // Work Redis can measure: a few thousand commands take milliseconds of its CPU.
      for (let round = 0; round < 20; round++) await Promise.all(Array.from({ length: 500 }, () => probe.cpuSeconds()));
      const after = await probe.cpuSeconds();
      expect(before).toBeGreaterThan(0);
      expect(after).toBeGreaterThan(before);
    } finally {
      probe.close();
    }
  });
});
