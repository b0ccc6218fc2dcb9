import 'reflect-metadata';
import { Controller, Module, UseFilters, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransportError } from '../errors';
import type { QueuePort } from '../interfaces/queue-port';
import type { DeadLetterMessageV1 } from '../messages/dead-letter-message';
import { DEAD_LETTER_QUEUE } from '../naming/queue-layout';
import { BullmqQueuePort } from '../queue/bullmq-queue-port';
import { InMemoryQueuePort } from '../queue/in-memory-queue-port';
import { purgeNamespace } from '../redis/purge-namespace';
import type { ResolvedRedis } from '../redis/resolve-redis';
import { conformanceCodecs, note, type ConformanceMessage, type NoteV1 } from '../testing/conformance-messages';
import { CONFORMANCE_DELIVERY, Inbox } from '../testing/queue-port-conformance';
import { RecordingLogger } from '../testing/recording-logger';
import { resolveTestRedis, uniqueNamespace, waitUntil } from '../testing/test-redis';
import { BullmqTransport } from './bullmq-transport.strategy';
import { DeliveryErrorFilter } from './delivery-error.filter';
import { QueueContext } from './queue-context';

const QUEUE = 'host.src-1.commands';

/** What the handlers saw, per test. */
const seen: { pattern: string; n: number; queue: string; jobId: string; attempt: number }[] = [];
let slowFinished = false;

const delivered = (ctx: unknown) => {
  const context = QueueContext.of(ctx);
  return { queue: context.getQueue(), jobId: context.getJobId(), attempt: context.delivery.attempt };
};

@Controller()
@UseFilters(new DeliveryErrorFilter())
class NotesController {
  @EventPattern('note.even')
  even(@Payload() message: NoteV1, @Ctx() ctx: unknown): void {
    seen.push({ pattern: 'note.even', n: message.n, ...delivered(ctx) });
  }

  @EventPattern('note.odd')
  async odd(@Payload() message: NoteV1, @Ctx() ctx: unknown): Promise<void> {
    seen.push({ pattern: 'note.odd', n: message.n, ...delivered(ctx) });
  }

  @EventPattern('note.fail')
  fail(@Payload() message: NoteV1, @Ctx() ctx: unknown): void {
    seen.push({ pattern: 'note.fail', n: message.n, ...delivered(ctx) });
    throw new Error(`disk full while applying note ${message.n}`);
  }

  @EventPattern('note.slow')
  async slow(@Payload() message: NoteV1, @Ctx() ctx: unknown): Promise<void> {
    seen.push({ pattern: 'note.slow', n: message.n, ...delivered(ctx) });
    await new Promise((wake) => setTimeout(wake, 400));
    slowFinished = true;
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

interface Harness {
  /** Consumed by the transport (which closes it). */
  consumerPort: QueuePort<ConformanceMessage>;
  /** Sends and reads dead letters; the same port in memory, a second one on Redis. */
  producerPort: QueuePort<ConformanceMessage>;
  logger: RecordingLogger;
  dispose(): Promise<void>;
}

let redis: ResolvedRedis;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const harnesses: [string, () => Harness][] = [
  [
    'in-memory port',
    () => {
      const logger = new RecordingLogger();
      const port = new InMemoryQueuePort({ codecs: conformanceCodecs(), delivery: CONFORMANCE_DELIVERY, logger });
      return { consumerPort: port, producerPort: port, logger, dispose: () => port.close() };
    },
  ],
  [
    'BullMQ on Redis',
    () => {
      const namespace = uniqueNamespace('nest-transport');
      const logger = new RecordingLogger();
      const options = { url: redis.url, namespace, codecs: conformanceCodecs(), delivery: CONFORMANCE_DELIVERY };
      const consumerPort = new BullmqQueuePort({ ...options, logger });
      const producerPort = new BullmqQueuePort({ ...options, logger: new RecordingLogger() });
      return {
        consumerPort,
        producerPort,
        logger,
        dispose: async () => {
          await Promise.all([consumerPort.close(), producerPort.close()]);
          await purgeNamespace(redis.url, namespace);
        },
      };
    },
  ],
];

async function startApp(harness: Harness): Promise<{ app: INestMicroservice; letters: Inbox<ConformanceMessage> }> {
  seen.length = 0;
  slowFinished = false;
  const strategy = new BullmqTransport<ConformanceMessage>({
    port: harness.consumerPort,
    queues: [{ queue: QUEUE, concurrency: 4 }],
    patternOf: (message) => (message.type === 'conformance.note' ? message.text : message.type),
  });
  const app = await NestFactory.createMicroservice(NotesModule, { strategy, logger: false });
  await app.listen();
  const letters = new Inbox<ConformanceMessage>();
  await harness.producerPort.consume(DEAD_LETTER_QUEUE, letters.handler, { concurrency: 1 });
  return { app, letters };
}

describe.each(harnesses)('BullmqTransport (Nest microservice strategy) over the %s', (_name, makeHarness) => {
  it('nest-transport: each message reaches the @EventPattern of its pattern, with its queue and job id in the QueueContext', async () => {
    const harness = makeHarness();
    const { app } = await startApp(harness);
    try {
      await harness.producerPort.sendBulk(QUEUE, [1, 2, 3, 4].map((n) => ({ message: note(n, n % 2 === 0 ? 'note.even' : 'note.odd'), jobId: `note~${n}` })));
      expect(await waitUntil(() => seen.length === 4, 10_000)).toBe(true);
      expect([...seen].sort((a, b) => a.n - b.n)).toEqual([1, 2, 3, 4].map((n) => ({ pattern: n % 2 === 0 ? 'note.even' : 'note.odd', n, queue: QUEUE, jobId: `note~${n}`, attempt: 1 })));
    } finally {
      await app.close();
      await harness.dispose();
    }
  });

  it('nest-transport: a message no handler takes is dead-lettered at once as NO_HANDLER, and the transport keeps serving', async () => {
    const harness = makeHarness();
    const { app, letters } = await startApp(harness);
    try {
      await harness.producerPort.send(QUEUE, note(7, 'note.unheard-of'), { jobId: 'note~7' });
      await harness.producerPort.send(QUEUE, note(8, 'note.even'), { jobId: 'note~8' });
      const [letter] = (await letters.waitFor(1, 10_000)).map((delivery) => delivery.message as DeadLetterMessageV1);
      expect(letter).toMatchObject({ sourceQueue: QUEUE, jobId: 'note~7', code: 'NO_HANDLER', attempts: 0, body: note(7, 'note.unheard-of') });
      expect(letter!.reason).toMatch(/no @EventPattern\('note\.unheard-of'\) handler/);
      expect(await waitUntil(() => seen.some((entry) => entry.n === 8), 10_000)).toBe(true);
      expect(seen.map((entry) => entry.n)).toEqual([8]);
      expect(harness.logger.entries.filter((entry) => entry.message === 'message dead-lettered')).toHaveLength(1);
    } finally {
      await app.close();
      await harness.dispose();
    }
  });

  it("nest-transport: a handler that throws is retried with backoff, then dead-lettered with the handler's own reason", async () => {
    const harness = makeHarness();
    const { app, letters } = await startApp(harness);
    try {
      await harness.producerPort.send(QUEUE, note(9, 'note.fail'), { jobId: 'note~9' });
      const [letter] = (await letters.waitFor(1, 10_000)).map((delivery) => delivery.message as DeadLetterMessageV1);
      expect(seen.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
      expect(letter).toMatchObject({ jobId: 'note~9', code: 'HANDLER_FAILED', attempts: 3, reason: 'disk full while applying note 9' });
    } finally {
      await app.close();
      await harness.dispose();
    }
  });

  it('nest-transport: close() lets the handler in flight finish, then closes the port', async () => {
    const harness = makeHarness();
    const { app } = await startApp(harness);
    try {
      await harness.producerPort.send(QUEUE, note(10, 'note.slow'), { jobId: 'note~10' });
      expect(await waitUntil(() => seen.length === 1, 10_000)).toBe(true);
      expect(slowFinished).toBe(false);
      await app.close();
      expect(slowFinished).toBe(true);
      const afterClose = await harness.consumerPort.send(QUEUE, note(11, 'note.even'), { jobId: 'note~11' }).then(
        () => 'sent',
        (error: unknown) => (isTransportError(error, 'PORT_CLOSED') ? 'PORT_CLOSED' : String(error)),
      );
      expect(afterClose).toBe('PORT_CLOSED');
      expect(seen.map((entry) => entry.n)).toEqual([10]);
    } finally {
      await harness.dispose();
    }
  });
});
