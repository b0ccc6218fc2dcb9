import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { transportError } from '../errors';
import type { BulkEntry, ConsumeOptions, Consumer, MessageHandler, QueuePort, SendOptions } from '../interfaces/queue-port';
import { stderrLogger, type TransportLogger } from '../interfaces/transport-logger';
import type { CodecRegistry } from '../messages/codec-registry';
import { DEAD_LETTER_TYPE, deadLetterCodecV1, type DeadLetterMessageV1 } from '../messages/dead-letter-message';
import type { Envelope } from '../messages/envelope';
import { assertJobId, deadLetterJobId } from '../naming/job-id';
import { assertQueueName, DEAD_LETTER_QUEUE, queueLayout, type QueueLayout } from '../naming/queue-layout';
import { deadLetterFor, deliver, errorMessage } from './deliver';
import { assertDelayMs, deliveryPolicy, type DeliveryPolicy } from './delivery-policy';

export interface BullmqQueuePortOptions<M extends Envelope> {
  /** Redis URL, as resolveRedis() returns it. */
  url: string;
  /** Deployment namespace: every key goes under the hash tag `{migsim:<namespace>}`. */
  namespace: string;
  codecs: CodecRegistry<M>;
  delivery?: Partial<DeliveryPolicy>;
  logger?: TransportLogger;
  /** Milliseconds since the epoch, for dead-letter timestamps. */
  clock?: () => number;
  /** Stored on every job a consumer of this port takes (BullMQ worker name), for diagnosis. */
  consumerName?: string;
}

/**
 * QueuePort on BullMQ 6 over Redis (semantics: interfaces/queue-port.ts).
 *
 * Mapping: a message is a BullMQ job named after `message.type` whose data is
 * the envelope; retries are BullMQ `attempts` + exponential `backoff`; the
 * idempotency window is `removeOnComplete.age`; each consumer is a Worker
 * with `lockDuration`, `stalledInterval` and `maxStalledCount` from the
 * delivery policy. BullMQ's own stall limit is set one higher than the
 * policy's, so a job that stalled too often reaches our processor once more
 * and is dead-lettered with a reason instead of landing in BullMQ's failed set.
 */
export class BullmqQueuePort<M extends Envelope> implements QueuePort<M | DeadLetterMessageV1> {
  readonly layout: QueueLayout;
  private readonly url: string;
  private readonly codecs: CodecRegistry<M | DeadLetterMessageV1>;
  private readonly policy: DeliveryPolicy;
  private readonly logger: TransportLogger;
  private readonly clock: () => number;
  private readonly consumerName: string | undefined;
  private readonly producers = new Map<string, Queue>();
  private readonly consumers = new Set<BullmqConsumer>();
  /** Dead letters are written from inside a job; this producer waits out Redis outages like a worker does. */
  private deadLetterProducer: Queue | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: BullmqQueuePortOptions<M>) {
    this.layout = queueLayout(options.namespace);
    this.url = options.url;
    this.codecs = options.codecs.has(DEAD_LETTER_TYPE, 1)
      ? (options.codecs as CodecRegistry<M | DeadLetterMessageV1>)
      : options.codecs.register(deadLetterCodecV1);
    this.policy = deliveryPolicy(options.delivery);
    this.logger = options.logger ?? stderrLogger;
    this.clock = options.clock ?? Date.now;
    this.consumerName = options.consumerName;
  }

  async send(queue: string, message: M | DeadLetterMessageV1, options: SendOptions): Promise<void> {
    this.assertOpen();
    assertQueueName(queue);
    this.codecs.encode(message);
    const jobOptions = this.jobOptions(options);
    await this.producer(queue).add(message.type, message, jobOptions);
  }

  async sendBulk(queue: string, entries: readonly BulkEntry<M | DeadLetterMessageV1>[]): Promise<void> {
    this.assertOpen();
    assertQueueName(queue);
    // Check everything first, so one bad entry sends nothing.
    const jobs = entries.map((entry) => {
      this.codecs.encode(entry.message);
      return { name: entry.message.type, data: entry.message, opts: this.jobOptions(entry) };
    });
    if (jobs.length > 0) await this.producer(queue).addBulk(jobs);
  }

  async consume(queue: string, handler: MessageHandler<M | DeadLetterMessageV1>, options: ConsumeOptions): Promise<Consumer> {
    this.assertOpen();
    assertQueueName(queue);
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency: expected an integer >= 1, got ${options.concurrency}`);
    }
    const worker = new Worker(queue, (job: Job) => this.process(queue, job, handler), {
      connection: { url: this.url, maxRetriesPerRequest: null },
      prefix: this.layout.prefix,
      concurrency: options.concurrency,
      lockDuration: this.policy.lockDurationMs,
      stalledInterval: this.policy.stalledIntervalMs,
      maxStalledCount: this.policy.maxStalledCount + 1,
      ...(this.consumerName === undefined ? {} : { name: this.consumerName }),
    });
    worker.on('error', (error) => this.logger.error('consumer connection error', { queue, error: errorMessage(error) }));
    const consumer = new BullmqConsumer(queue, worker, () => this.consumers.delete(consumer));
    this.consumers.add(consumer);
    await worker.waitUntilReady();
    return consumer;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.consumers].map((consumer) => consumer.close()));
      const producers = [...this.producers.values()];
      if (this.deadLetterProducer !== undefined) producers.push(this.deadLetterProducer);
      await Promise.all(producers.map((producer) => producer.close()));
    })();
    return this.closing;
  }

  private async process(queue: string, job: Job, handler: MessageHandler<M | DeadLetterMessageV1>): Promise<void> {
    const jobId = job.id as string;
    const context = {
      queue,
      jobId,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      stalledCount: job.stalledCounter ?? 0,
    };
    const outcome = await deliver(job.data, context, this.codecs, handler, this.policy);
    if (outcome.kind === 'completed') return;
    if (outcome.kind === 'retry') throw outcome.error instanceof Error ? outcome.error : new Error(errorMessage(outcome.error));
    const letter = deadLetterFor(queue, jobId, job.data, outcome, this.clock());
    this.logger.warn('message dead-lettered', { queue, jobId, code: outcome.code, reason: outcome.reason, attempts: outcome.attempts });
    // Written before the source job completes: a crash in between redelivers
    // the job, and the dead letter's derived id makes the second write a no-op.
    await this.deadLetters().add(DEAD_LETTER_TYPE, letter, this.jobOptions({ jobId: deadLetterJobId(queue, jobId) }));
  }

  private jobOptions(options: SendOptions): JobsOptions {
    assertJobId(options.jobId);
    assertDelayMs(options.delayMs);
    return {
      jobId: options.jobId,
      ...(options.delayMs ? { delay: Math.ceil(options.delayMs) } : {}),
      attempts: this.policy.maxAttempts,
      backoff: { type: 'exponential', delay: this.policy.backoffDelayMs },
      removeOnComplete: { age: this.policy.idempotencyWindowSec },
      removeOnFail: { age: this.policy.idempotencyWindowSec },
    };
  }

  private producer(queue: string): Queue {
    let producer = this.producers.get(queue);
    if (producer === undefined) {
      // No auto-pipelining: a producer serves one queue, and an outbox lane has
      // one send in flight, so a tick holds one command per connection; ioredis
      // then builds a pipeline (copying every script's method) per command for
      // nothing, about 1 s of CPU per process over bench:services' study.
      producer = new Queue(queue, { connection: { url: this.url }, prefix: this.layout.prefix });
      producer.on('error', (error) => this.logger.error('producer connection error', { queue, error: errorMessage(error) }));
      this.producers.set(queue, producer);
    }
    return producer;
  }

  private deadLetters(): Queue {
    if (this.deadLetterProducer === undefined) {
      this.deadLetterProducer = new Queue(DEAD_LETTER_QUEUE, {
        connection: { url: this.url, maxRetriesPerRequest: null },
        prefix: this.layout.prefix,
      });
      this.deadLetterProducer.on('error', (error) => this.logger.error('dead-letter producer error', { error: errorMessage(error) }));
    }
    return this.deadLetterProducer;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw transportError('PORT_CLOSED', 'the BullMQ queue port is closed');
  }
}

class BullmqConsumer implements Consumer {
  private closing: Promise<void> | undefined;

  constructor(
    readonly queue: string,
    private readonly worker: Worker,
    private readonly onClosed: () => void,
  ) {}

  close(options: { force?: boolean } = {}): Promise<void> {
    this.closing ??= this.worker.close(options.force ?? false).finally(this.onClosed);
    return this.closing;
  }
}
