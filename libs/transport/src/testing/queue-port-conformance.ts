import { describe, expect, it } from 'vitest';
import type { DeliveryContext, MessageHandler, QueuePort } from '../interfaces/queue-port';
import type { DeadLetterMessageV1 } from '../messages/dead-letter-message';
import type { Envelope } from '../messages/envelope';
import { DEAD_LETTER_QUEUE } from '../naming/queue-layout';
import type { DeliveryPolicy } from '../queue/delivery-policy';
import { note, type ConformanceMessage, type NoteV1 } from './conformance-messages';
import type { RecordingLogger } from './recording-logger';

/** One port under test, set up for one test and torn down after it. */
export interface QueuePortHarness {
  readonly port: QueuePort<ConformanceMessage>;
  readonly logger: RecordingLogger;
  /** Puts `body` on `queue` without the codec, as a foreign or broken producer would. */
  sendRaw(queue: string, body: unknown, jobId: string): Promise<void>;
  /** Closes the port and removes everything the test left in the store. */
  dispose(): Promise<void>;
}

export type QueuePortHarnessFactory = (delivery: Partial<DeliveryPolicy>) => Promise<QueuePortHarness>;

/**
 * Timings every port must live with: a lock short enough that a forced close
 * hands a job back within about two seconds on BullMQ.
 */
export const CONFORMANCE_DELIVERY: Partial<DeliveryPolicy> = {
  maxAttempts: 3,
  backoffDelayMs: 50,
  lockDurationMs: 1_000,
  stalledIntervalMs: 300,
  maxStalledCount: 2,
};

interface Delivery<M> {
  readonly message: M;
  readonly context: DeliveryContext;
  readonly atMs: number;
}

/** Records deliveries; `waitFor(n)` resolves once n arrived (or fails after a timeout). */
export class Inbox<M extends Envelope> {
  readonly deliveries: Delivery<M>[] = [];
  private waiters: { count: number; wake: () => void }[] = [];

  constructor(private readonly behaviour: MessageHandler<M> = async () => {}) {}

  readonly handler: MessageHandler<M> = async (message, context) => {
    this.deliveries.push({ message, context, atMs: performance.now() });
    for (const waiter of this.waiters.filter((w) => this.deliveries.length >= w.count)) waiter.wake();
    await this.behaviour(message, context);
  };

  async waitFor(count: number, timeoutMs = 5_000): Promise<Delivery<M>[]> {
    if (this.deliveries.length < count) {
      await new Promise<void>((resolveWait, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} deliveries within ${timeoutMs} ms, got ${this.deliveries.length}`)),
          timeoutMs,
        );
        this.waiters.push({ count, wake: () => (clearTimeout(timer), resolveWait()) });
      });
    }
    return this.deliveries;
  }
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

async function withHarness(
  factory: QueuePortHarnessFactory,
  delivery: Partial<DeliveryPolicy>,
  body: (harness: QueuePortHarness) => Promise<void>,
): Promise<void> {
  const harness = await factory(delivery);
  try {
    await body(harness);
  } finally {
    await harness.dispose();
  }
}

async function deadLetters(harness: QueuePortHarness, count: number): Promise<DeadLetterMessageV1[]> {
  const inbox = new Inbox<ConformanceMessage>();
  await harness.port.consume(DEAD_LETTER_QUEUE, inbox.handler, { concurrency: 1 });
  const deliveries = await inbox.waitFor(count);
  return deliveries.map((d) => d.message as DeadLetterMessageV1).sort((a, b) => a.jobId.localeCompare(b.jobId));
}

/**
 * The QueuePort contract as tests: every implementation runs this suite
 * (interfaces/queue-port.ts states the semantics in prose).
 */
export function describeQueuePortConformance(name: string, factory: QueuePortHarnessFactory): void {
  const run = (delivery: Partial<DeliveryPolicy>, body: (harness: QueuePortHarness) => Promise<void>) =>
    withHarness(factory, { ...CONFORMANCE_DELIVERY, ...delivery }, body);

  describe(`queue port conformance: ${name}`, () => {
    it('delivers a sent message once, decoded, with its job id and attempt 1', () =>
      run({}, async ({ port }) => {
        const inbox = new Inbox<ConformanceMessage>();
        await port.consume('conf.basic', inbox.handler, { concurrency: 1 });
        await port.send('conf.basic', note(1, 'hello'), { jobId: 'basic~1' });
        const [delivery] = await inbox.waitFor(1);
        expect(delivery?.message).toEqual(note(1, 'hello'));
        expect(delivery?.context).toMatchObject({ queue: 'conf.basic', jobId: 'basic~1', attempt: 1, maxAttempts: 3, stalledCount: 0 });
        await sleep(200);
        expect(inbox.deliveries).toHaveLength(1);
      }));

    it('sendBulk delivers every message, in send order to a consumer of concurrency 1', () =>
      run({}, async ({ port }) => {
        const inbox = new Inbox<ConformanceMessage>();
        const entries = Array.from({ length: 20 }, (_, n) => ({ message: note(n), jobId: `bulk~${n}` }));
        await port.sendBulk('conf.bulk', entries);
        await port.consume('conf.bulk', inbox.handler, { concurrency: 1 });
        const deliveries = await inbox.waitFor(20);
        expect(deliveries.map((d) => (d.message as NoteV1).n)).toEqual(entries.map((_, n) => n));
      }));

    it('a second send with the job id of a waiting message is a no-op: the first message stays', () =>
      run({}, async ({ port }) => {
        await port.send('conf.dup', note(1, 'first'), { jobId: 'dup~1' });
        await port.send('conf.dup', note(2, 'second'), { jobId: 'dup~1' });
        await port.sendBulk('conf.dup', [{ message: note(3, 'third'), jobId: 'dup~1' }]);
        const inbox = new Inbox<ConformanceMessage>();
        await port.consume('conf.dup', inbox.handler, { concurrency: 2 });
        await inbox.waitFor(1);
        await sleep(300);
        expect(inbox.deliveries.map((d) => d.message)).toEqual([note(1, 'first')]);
      }));

    it('a re-send with the job id of a completed message is not delivered again', () =>
      run({}, async ({ port }) => {
        const inbox = new Inbox<ConformanceMessage>();
        await port.consume('conf.redeliver', inbox.handler, { concurrency: 1 });
        await port.send('conf.redeliver', note(1), { jobId: 'redeliver~1' });
        await inbox.waitFor(1);
        await sleep(100);
        await port.send('conf.redeliver', note(1), { jobId: 'redeliver~1' });
        await port.send('conf.redeliver', note(2), { jobId: 'redeliver~2' });
        await inbox.waitFor(2);
        await sleep(300);
        expect(inbox.deliveries.map((d) => d.context.jobId)).toEqual(['redeliver~1', 'redeliver~2']);
      }));

    it('a failing handler is retried with exponential backoff until it succeeds', () =>
      run({}, async ({ port }) => {
        const inbox = new Inbox<ConformanceMessage>(async (_message, context) => {
          if (context.attempt < 3) throw new Error(`flaky attempt ${context.attempt}`);
        });
        await port.consume('conf.retry', inbox.handler, { concurrency: 1 });
        await port.send('conf.retry', note(1), { jobId: 'retry~1' });
        const deliveries = await inbox.waitFor(3);
        expect(deliveries.map((d) => d.context.attempt)).toEqual([1, 2, 3]);
        // backoffDelayMs 50: 50 ms before attempt 2, 100 ms before attempt 3 (timer slack 5 ms).
        expect((deliveries[1]?.atMs ?? 0) - (deliveries[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(45);
        expect((deliveries[2]?.atMs ?? 0) - (deliveries[1]?.atMs ?? 0)).toBeGreaterThanOrEqual(95);
        await sleep(300);
        expect(inbox.deliveries).toHaveLength(3);
      }));

    it('a handler that always fails is dead-lettered after maxAttempts, with the reason, and a warning is logged', () =>
      run({}, async (harness) => {
        const inbox = new Inbox<ConformanceMessage>(async () => {
          throw new Error('disk on fire');
        });
        await harness.port.consume('conf.poison', inbox.handler, { concurrency: 1 });
        await harness.port.send('conf.poison', note(7), { jobId: 'poison~7' });
        const [letter] = await deadLetters(harness, 1);
        expect(inbox.deliveries.map((d) => d.context.attempt)).toEqual([1, 2, 3]);
        expect(letter).toMatchObject({ sourceQueue: 'conf.poison', jobId: 'poison~7', code: 'HANDLER_FAILED', reason: 'disk on fire', attempts: 3 });
        expect(letter?.body).toEqual(note(7));
        expect(harness.logger.warnings()).toContainEqual(
          expect.objectContaining({ fields: expect.objectContaining({ jobId: 'poison~7', code: 'HANDLER_FAILED', reason: 'disk on fire' }) }),
        );
      }));

    it('malformed messages are dead-lettered at once, without retries, while the consumer keeps serving', () =>
      run({}, async (harness) => {
        const inbox = new Inbox<ConformanceMessage>();
        await harness.port.consume('conf.malformed', inbox.handler, { concurrency: 1 });
        await harness.sendRaw('conf.malformed', { v: 1, type: 'conformance.note', text: 5, n: 1 }, 'malformed~1');
        await harness.sendRaw('conf.malformed', 'not json {', 'malformed~2');
        await harness.port.send('conf.malformed', note(3), { jobId: 'malformed~3' });
        const [deliveryOfGood] = await inbox.waitFor(1);
        expect(deliveryOfGood?.message).toEqual(note(3));
        const letters = await deadLetters(harness, 2);
        expect(letters.map((l) => [l.jobId, l.code, l.attempts])).toEqual([
          ['malformed~1', 'MESSAGE_MALFORMED', 0],
          ['malformed~2', 'MESSAGE_MALFORMED', 0],
        ]);
        expect(letters[0]?.reason).toContain('$.text: expected a string, got 5');
        expect(letters[1]?.body).toBe('not json {');
        const warned = harness.logger.warnings().map((entry) => entry.fields.jobId);
        expect(warned).toEqual(expect.arrayContaining(['malformed~1', 'malformed~2']));
        expect(inbox.deliveries).toHaveLength(1);
      }));

    it('an unknown message version and an unknown type are dead-lettered with their codes', () =>
      run({}, async (harness) => {
        const inbox = new Inbox<ConformanceMessage>();
        await harness.port.consume('conf.unknown', inbox.handler, { concurrency: 1 });
        await harness.sendRaw('conf.unknown', { v: 2, type: 'conformance.note', text: 'from the future', n: 1, extra: true }, 'unknown~1');
        await harness.sendRaw('conf.unknown', { v: 1, type: 'conformance.nope' }, 'unknown~2');
        await harness.port.send('conf.unknown', note(3), { jobId: 'unknown~3' });
        await inbox.waitFor(1);
        const letters = await deadLetters(harness, 2);
        expect(letters.map((l) => [l.jobId, l.code])).toEqual([
          ['unknown~1', 'MESSAGE_UNKNOWN_VERSION'],
          ['unknown~2', 'MESSAGE_UNKNOWN_TYPE'],
        ]);
        expect(letters[0]?.reason).toContain('conformance.note v2 is not a known version (known: v1)');
        expect(inbox.deliveries.map((d) => d.context.jobId)).toEqual(['unknown~3']);
      }));

    it('a message its codec refuses, or a job id BullMQ would refuse, fails at the producer and is never delivered', () =>
      run({}, async ({ port }) => {
        const bad = { v: 1, type: 'conformance.note', text: 'x', n: -1 } as unknown as NoteV1;
        await expect(port.send('conf.refuse', bad, { jobId: 'refuse~1' })).rejects.toMatchObject({ code: 'MESSAGE_MALFORMED' });
        await expect(port.send('conf.refuse', note(1), { jobId: '42' })).rejects.toMatchObject({ code: 'JOB_ID_INVALID' });
        await expect(port.send('conf.refuse', note(1), { jobId: 'a:b:c:d' })).rejects.toMatchObject({ code: 'JOB_ID_INVALID' });
        await expect(port.sendBulk('conf.refuse', [{ message: note(1), jobId: 'ok~1' }, { message: bad, jobId: 'refuse~2' }])).rejects.toMatchObject({
          code: 'MESSAGE_MALFORMED',
        });
        await expect(port.send('conf:refuse', note(1), { jobId: 'refuse~3' })).rejects.toMatchObject({ code: 'QUEUE_NAME_INVALID' });
        await expect(port.send('conf.refuse', note(1), { jobId: 'refuse~4', delayMs: -1 })).rejects.toThrow('delayMs: expected a number >= 0, got -1');
        const inbox = new Inbox<ConformanceMessage>();
        await port.consume('conf.refuse', inbox.handler, { concurrency: 1 });
        await sleep(300);
        expect(inbox.deliveries).toHaveLength(0);
      }));

    it('a consumer runs at most `concurrency` handlers at once, and does use them all', () =>
      run({}, async ({ port }) => {
        let running = 0;
        let mostRunning = 0;
        const inbox = new Inbox<ConformanceMessage>(async () => {
          running++;
          mostRunning = Math.max(mostRunning, running);
          await sleep(100);
          running--;
        });
        await port.sendBulk('conf.concurrency', Array.from({ length: 9 }, (_, n) => ({ message: note(n), jobId: `concurrency~${n}` })));
        await port.consume('conf.concurrency', inbox.handler, { concurrency: 3 });
        await inbox.waitFor(9);
        expect(mostRunning).toBe(3);
      }));

    it('a delayed message is not delivered before its delay', () =>
      run({}, async ({ port }) => {
        const inbox = new Inbox<ConformanceMessage>();
        await port.consume('conf.delay', inbox.handler, { concurrency: 1 });
        const sentAtMs = performance.now();
        await port.send('conf.delay', note(1), { jobId: 'delay~1', delayMs: 400 });
        const [delivery] = await inbox.waitFor(1);
        expect((delivery?.atMs ?? 0) - sentAtMs).toBeGreaterThanOrEqual(395);
      }));

    it('a graceful close waits for the handler in flight, and that job is not delivered again', () =>
      run({}, async ({ port }) => {
        let finished = false;
        const first = new Inbox<ConformanceMessage>(async () => {
          await sleep(250);
          finished = true;
        });
        const consumer = await port.consume('conf.graceful', first.handler, { concurrency: 1 });
        await port.send('conf.graceful', note(1), { jobId: 'graceful~1' });
        await first.waitFor(1);
        await consumer.close();
        expect(finished).toBe(true);
        const second = new Inbox<ConformanceMessage>();
        await port.consume('conf.graceful', second.handler, { concurrency: 1 });
        await sleep(1_500);
        expect(second.deliveries).toHaveLength(0);
      }));

    it('a forced close hands the job in flight back: another consumer gets it, counted as stalled', () =>
      run({}, async ({ port }) => {
        let release: () => void = () => {};
        const hung = new Promise<void>((resolveHang) => (release = resolveHang));
        const first = new Inbox<ConformanceMessage>(() => hung);
        const consumer = await port.consume('conf.force', first.handler, { concurrency: 1 });
        await port.send('conf.force', note(1), { jobId: 'force~1' });
        await first.waitFor(1);
        const second = new Inbox<ConformanceMessage>();
        await port.consume('conf.force', second.handler, { concurrency: 1 });
        await consumer.close({ force: true });
        const [redelivery] = await second.waitFor(1, 8_000);
        release();
        expect(redelivery?.context).toMatchObject({ jobId: 'force~1', attempt: 1, stalledCount: 1 });
        expect(redelivery?.message).toEqual(note(1));
      }));

    it('a job lost by its consumers more than maxStalledCount times is dead-lettered as STALLED_TOO_OFTEN', () =>
      run({ maxStalledCount: 0 }, async (harness) => {
        const hung = new Promise<void>(() => {});
        const first = new Inbox<ConformanceMessage>(() => hung);
        const consumer = await harness.port.consume('conf.stall', first.handler, { concurrency: 1 });
        await harness.port.send('conf.stall', note(1), { jobId: 'stall~1' });
        await first.waitFor(1);
        const second = new Inbox<ConformanceMessage>();
        await harness.port.consume('conf.stall', second.handler, { concurrency: 1 });
        await consumer.close({ force: true });
        const [letter] = await deadLetters(harness, 1);
        expect(letter).toMatchObject({ jobId: 'stall~1', code: 'STALLED_TOO_OFTEN', attempts: 0 });
        expect(second.deliveries).toHaveLength(0);
      }));

    it('a closed port refuses to send or consume', () =>
      run({}, async ({ port }) => {
        await port.close();
        await expect(port.send('conf.closed', note(1), { jobId: 'closed~1' })).rejects.toMatchObject({ code: 'PORT_CLOSED' });
        await expect(port.consume('conf.closed', async () => {}, { concurrency: 1 })).rejects.toMatchObject({ code: 'PORT_CLOSED' });
      }));
  });
}
