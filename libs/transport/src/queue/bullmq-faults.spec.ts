import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedisServer } from '../redis/private-redis-server';
import { purgeNamespace } from '../redis/purge-namespace';
import type { ResolvedRedis } from '../redis/resolve-redis';
import { conformanceCodecs, note, type ConformanceMessage } from '../testing/conformance-messages';
import { Inbox } from '../testing/queue-port-conformance';
import { RecordingLogger } from '../testing/recording-logger';
import { resolveTestRedis, uniqueNamespace } from '../testing/test-redis';
import { BullmqQueuePort } from './bullmq-queue-port';

const FAST_LOCKS = { lockDurationMs: 1_000, stalledIntervalMs: 300 };
const HANGING_CONSUMER = fileURLToPath(new URL('./fixtures/hanging-consumer.ts', import.meta.url));
const LIB_DIR = fileURLToPath(new URL('../..', import.meta.url));

describe('BullmqQueuePort under faults', () => {
  it('bullmq-faults: Redis (AOF, fsync always) killed with SIGKILL and restarted: jobs sent before the kill are delivered, and the consumer reconnects by itself', async () => {
    const server = new PrivateRedisServer({ env: { PATH: process.env.PATH }, persistent: true });
    await server.start();
    const namespace = uniqueNamespace('redis-restart');
    const logger = new RecordingLogger();
    const port = new BullmqQueuePort({ url: server.url, namespace, codecs: conformanceCodecs(), delivery: FAST_LOCKS, logger });
    try {
      const inbox = new Inbox<ConformanceMessage>();
      await port.consume('restart.q', inbox.handler, { concurrency: 2 });
      await port.send('restart.q', note(0), { jobId: 'before~0' });
      await inbox.waitFor(1);
      // Held back past the outage: acknowledged by Redis, so on disk, but not yet delivered.
      await port.sendBulk('restart.q', [1, 2, 3].map((n) => ({ message: note(n), jobId: `before~${n}`, delayMs: 1_500 })));
      await server.kill();
      expect(inbox.deliveries).toHaveLength(1);
      // Down longer than BullMQ's first reconnect delay (1 s), so the consumer sees refused reconnects.
      await new Promise((wake) => setTimeout(wake, 1_500));
      await server.restart();
      await inbox.waitFor(4, 20_000);
      await port.send('restart.q', note(4), { jobId: 'after~4' });
      await inbox.waitFor(5, 10_000);
      expect(inbox.deliveries.map((d) => d.context.jobId).sort()).toEqual(['after~4', 'before~0', 'before~1', 'before~2', 'before~3']);
      expect(logger.entries.some((entry) => entry.level === 'error' && entry.message === 'consumer connection error')).toBe(true);
    } finally {
      await port.close();
      await server.stop();
    }
  }, 45_000);
});

describe('BullmqQueuePort when a consumer process dies', () => {
  let redis: ResolvedRedis;
  beforeAll(async () => {
    redis = await resolveTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('bullmq-faults: a consumer process killed with SIGKILL mid-job: the stalled job is redelivered to another consumer', async () => {
    const namespace = uniqueNamespace('worker-kill');
    const port = new BullmqQueuePort({ url: redis.url, namespace, codecs: conformanceCodecs(), delivery: FAST_LOCKS, logger: new RecordingLogger() });
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=development', HANGING_CONSUMER, redis.url, namespace, 'crash.q'], {
      cwd: LIB_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.once('exit', (_code, signal) => resolveExit(signal)));
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const started = new Promise<void>((resolveStarted, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child consumer never started the job; stdout: ${output}; stderr: ${errors}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('STARTED crash~1')) {
          clearTimeout(timer);
          resolveStarted();
        }
      });
    });
    try {
      await port.send('crash.q', note(1), { jobId: 'crash~1' });
      await started;
      const survivor = new Inbox<ConformanceMessage>();
      await port.consume('crash.q', survivor.handler, { concurrency: 1 });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const [redelivery] = await survivor.waitFor(1, 10_000);
      expect(redelivery?.context).toMatchObject({ jobId: 'crash~1', attempt: 1, stalledCount: 1 });
      expect(redelivery?.message).toEqual(note(1));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await port.close();
      await purgeNamespace(redis.url, namespace);
    }
  }, 45_000);
});
