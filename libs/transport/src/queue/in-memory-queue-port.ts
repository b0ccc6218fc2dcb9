import { transportError } from '../errors';
import type { BulkEntry, ConsumeOptions, Consumer, MessageHandler, QueuePort, SendOptions } from '../interfaces/queue-port';
import { stderrLogger, type TransportLogger } from '../interfaces/transport-logger';
import type { CodecRegistry } from '../messages/codec-registry';
import { DEAD_LETTER_TYPE, deadLetterCodecV1, type DeadLetterMessageV1 } from '../messages/dead-letter-message';
import type { Envelope } from '../messages/envelope';
import { assertJobId, deadLetterJobId } from '../naming/job-id';
import { assertQueueName, DEAD_LETTER_QUEUE } from '../naming/queue-layout';
import { deadLetterFor, deliver, errorMessage, type DeliveryOutcome } from './deliver';
import { assertDelayMs, backoffDelayMs, deliveryPolicy, type DeliveryPolicy } from './delivery-policy';

/** Timers the in-memory port schedules delays and backoffs with; swap in a fake for virtual time. */
export interface TimerPort {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TimerPort = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface InMemoryQueuePortOptions<M extends Envelope> {
  codecs: CodecRegistry<M>;
  delivery?: Partial<DeliveryPolicy>;
  logger?: TransportLogger;
  /** Milliseconds since the epoch, for dead-letter timestamps. */
  clock?: () => number;
  timers?: TimerPort;
}

interface StoredJob {
  readonly id: string;
  /** The body as JSON text: every delivery parses a fresh copy, as a real queue would. */
  readonly bodyJson: string;
  failedAttempts: number;
  stalledCount: number;
  /** The delivery currently holding the job; a handed-back job's late outcome is ignored. */
  holder: object | undefined;
}

interface QueueState {
  readonly name: string;
  readonly ready: StoredJob[];
  readonly knownIds: Set<string>;
  readonly consumers: InMemoryConsumer[];
  nextConsumer: number;
}

interface InFlight {
  readonly job: StoredJob;
  readonly holder: object;
  readonly done: Promise<void>;
}

interface InMemoryConsumer extends Consumer {
  readonly handler: MessageHandler<Envelope>;
  readonly concurrency: number;
  readonly inFlight: Map<string, InFlight>;
  closed: boolean;
}

/**
 * The QueuePort in one process, with the same semantics as BullmqQueuePort
 * (the conformance suite holds both to them): FIFO per queue, ids remembered
 * for the port's lifetime, retries through `timers`, dead letters in the
 * `dead-letter` queue. A second driver for deterministic tests, not a
 * replacement: nothing survives the process.
 */
export class InMemoryQueuePort<M extends Envelope> implements QueuePort<M | DeadLetterMessageV1> {
  private readonly codecs: CodecRegistry<M | DeadLetterMessageV1>;
  private readonly policy: DeliveryPolicy;
  private readonly logger: TransportLogger;
  private readonly clock: () => number;
  private readonly timers: TimerPort;
  private readonly queues = new Map<string, QueueState>();
  private readonly pendingTimers = new Set<unknown>();
  private closed = false;

  constructor(options: InMemoryQueuePortOptions<M>) {
    this.codecs = options.codecs.has(DEAD_LETTER_TYPE, 1)
      ? (options.codecs as CodecRegistry<M | DeadLetterMessageV1>)
      : options.codecs.register(deadLetterCodecV1);
    this.policy = deliveryPolicy(options.delivery);
    this.logger = options.logger ?? stderrLogger;
    this.clock = options.clock ?? Date.now;
    this.timers = options.timers ?? realTimers;
  }

  async send(queue: string, message: M | DeadLetterMessageV1, options: SendOptions): Promise<void> {
    this.assertOpen();
    this.enqueue(assertQueueName(queue), this.codecs.encode(message), options);
  }

  async sendBulk(queue: string, entries: readonly BulkEntry<M | DeadLetterMessageV1>[]): Promise<void> {
    this.assertOpen();
    assertQueueName(queue);
    // Check everything first, so one bad entry sends nothing (as BullMQ's addBulk does).
    for (const entry of entries) {
      assertJobId(entry.jobId);
      assertDelayMs(entry.delayMs);
      this.codecs.encode(entry.message);
    }
    for (const entry of entries) this.enqueue(queue, entry.message, entry);
  }

  /** Puts a body on a queue without the codec: how a foreign or broken producer's message arrives. */
  async sendRaw(queue: string, body: unknown, options: SendOptions): Promise<void> {
    this.assertOpen();
    this.enqueue(assertQueueName(queue), body, options);
  }

  async consume(queue: string, handler: MessageHandler<M | DeadLetterMessageV1>, options: ConsumeOptions): Promise<Consumer> {
    this.assertOpen();
    const state = this.queueState(assertQueueName(queue));
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency: expected an integer >= 1, got ${options.concurrency}`);
    }
    const consumer: InMemoryConsumer = {
      queue,
      handler: handler as MessageHandler<Envelope>,
      concurrency: options.concurrency,
      inFlight: new Map(),
      closed: false,
      close: (closeOptions) => this.closeConsumer(state, consumer, closeOptions?.force ?? false),
    };
    state.consumers.push(consumer);
    this.schedulePump(state);
    return consumer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const handle of this.pendingTimers) this.timers.clearTimeout(handle);
    this.pendingTimers.clear();
    for (const state of this.queues.values()) {
      await Promise.all(state.consumers.map((consumer) => this.closeConsumer(state, consumer, false)));
    }
  }

  /** Waiting (ready) and in-flight job counts, for tests. */
  counts(queue: string): { waiting: number; inFlight: number } {
    const state = this.queues.get(queue);
    if (state === undefined) return { waiting: 0, inFlight: 0 };
    return { waiting: state.ready.length, inFlight: state.consumers.reduce((sum, consumer) => sum + consumer.inFlight.size, 0) };
  }

  private enqueue(queue: string, body: unknown, options: SendOptions): void {
    assertJobId(options.jobId);
    assertDelayMs(options.delayMs);
    const state = this.queueState(queue);
    if (state.knownIds.has(options.jobId)) return;
    state.knownIds.add(options.jobId);
    const job: StoredJob = { id: options.jobId, bodyJson: JSON.stringify(body) ?? 'null', failedAttempts: 0, stalledCount: 0, holder: undefined };
    this.later(options.delayMs ?? 0, () => {
      state.ready.push(job);
      this.pump(state);
    });
  }

  private queueState(queue: string): QueueState {
    let state = this.queues.get(queue);
    if (state === undefined) {
      state = { name: queue, ready: [], knownIds: new Set(), consumers: [], nextConsumer: 0 };
      this.queues.set(queue, state);
    }
    return state;
  }

  private later(delayMs: number, action: () => void): void {
    if (delayMs <= 0) {
      queueMicrotask(() => {
        if (!this.closed) action();
      });
      return;
    }
    const handle = this.timers.setTimeout(() => {
      this.pendingTimers.delete(handle);
      if (!this.closed) action();
    }, delayMs);
    this.pendingTimers.add(handle);
  }

  private schedulePump(state: QueueState): void {
    this.later(0, () => this.pump(state));
  }

  /** Hands ready jobs to consumers with a free slot, round-robin. */
  private pump(state: QueueState): void {
    while (state.ready.length > 0) {
      const consumer = this.nextFreeConsumer(state);
      if (consumer === undefined) return;
      this.start(state, consumer, state.ready.shift() as StoredJob);
    }
  }

  private nextFreeConsumer(state: QueueState): InMemoryConsumer | undefined {
    const count = state.consumers.length;
    for (let step = 0; step < count; step++) {
      const consumer = state.consumers[(state.nextConsumer + step) % count] as InMemoryConsumer;
      if (!consumer.closed && consumer.inFlight.size < consumer.concurrency) {
        state.nextConsumer = (state.nextConsumer + step + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  private start(state: QueueState, consumer: InMemoryConsumer, job: StoredJob): void {
    const holder = {};
    job.holder = holder;
    const context = {
      queue: state.name,
      jobId: job.id,
      attempt: job.failedAttempts + 1,
      maxAttempts: this.policy.maxAttempts,
      stalledCount: job.stalledCount,
    };
    const body: unknown = JSON.parse(job.bodyJson);
    const done = deliver(body, context, this.codecs as CodecRegistry<Envelope>, consumer.handler, this.policy)
      .catch((error: unknown): DeliveryOutcome => ({ kind: 'retry', error }))
      .then((outcome) => this.settle(state, consumer, job, holder, body, outcome));
    consumer.inFlight.set(job.id, { job, holder, done });
  }

  private settle(state: QueueState, consumer: InMemoryConsumer, job: StoredJob, holder: object, body: unknown, outcome: DeliveryOutcome): void {
    if (job.holder !== holder) return; // handed back by a forced close; someone else owns it now
    job.holder = undefined;
    consumer.inFlight.delete(job.id);
    if (outcome.kind === 'retry') {
      job.failedAttempts++;
      this.later(backoffDelayMs(this.policy, job.failedAttempts), () => {
        state.ready.push(job);
        this.pump(state);
      });
    } else if (outcome.kind === 'dead-letter') {
      const letter = deadLetterFor(state.name, job.id, body, outcome, this.clock());
      this.logger.warn('message dead-lettered', { queue: state.name, jobId: job.id, code: outcome.code, reason: outcome.reason, attempts: outcome.attempts });
      try {
        this.enqueue(DEAD_LETTER_QUEUE, letter, { jobId: deadLetterJobId(state.name, job.id) });
      } catch (error) {
        this.logger.error('dead letter could not be written', { queue: state.name, jobId: job.id, error: errorMessage(error) });
      }
    }
    if (!this.closed) this.pump(state);
  }

  private async closeConsumer(state: QueueState, consumer: InMemoryConsumer, force: boolean): Promise<void> {
    consumer.closed = true;
    if (force) {
      // As after a crash: the jobs go back to the head of the queue, counted as stalled.
      const abandoned = [...consumer.inFlight.values()].map((entry) => entry.job);
      consumer.inFlight.clear();
      for (const job of abandoned.reverse()) {
        job.holder = undefined;
        job.stalledCount++;
        state.ready.unshift(job);
      }
    } else {
      await Promise.all([...consumer.inFlight.values()].map((entry) => entry.done));
    }
    const index = state.consumers.indexOf(consumer);
    if (index >= 0) state.consumers.splice(index, 1);
    state.nextConsumer = state.consumers.length === 0 ? 0 : state.nextConsumer % state.consumers.length;
    if (!this.closed) this.pump(state);
  }

  private assertOpen(): void {
    if (this.closed) throw transportError('PORT_CLOSED', 'the in-memory queue port is closed');
  }
}
