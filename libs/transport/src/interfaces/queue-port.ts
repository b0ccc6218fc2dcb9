import type { Envelope } from '../messages/envelope';

/**
 * QueuePort
 *
 * The narrow contract migsim's services use to exchange messages: send a
 * message to a named queue, consume a queue with a handler, close. It is all
 * the controller, source-host and destination-host need, and deliberately no
 * more, so the datastore behind it can change (BullMQ on Redis today; BullMQ's
 * other backends, or anything else that keeps these semantics, later) without
 * touching a service. Two implementations exist — {@link BullmqQueuePort}
 * (the real one) and {@link InMemoryQueuePort} (a second driver for fast,
 * deterministic tests) — and both must pass the one conformance suite in
 * `src/testing/queue-port-conformance.ts`.
 *
 * Messages are envelopes `{ v, type, ... }` checked by a codec registry: a
 * producer cannot send a message its own registry refuses (`send` rejects with
 * a MESSAGE_* TransportError), and a consumer only ever sees messages its
 * registry accepted.
 *
 * @remarks
 * Delivery semantics, identical in every implementation:
 *
 * - **At-least-once.** A message sent is delivered to a handler at least once
 *   and, when all goes well, exactly once. A handler can still see a message
 *   twice (its consumer died after the handler's side effects but before the
 *   completion was recorded), so handlers must be idempotent; the job id and
 *   the delivery context tell a redelivery apart.
 *
 * - **Idempotent job ids.** Every send names a job id. A second send with an
 *   id the queue already holds — waiting, delayed, in flight, completed or
 *   dead-lettered — is a no-op: the first message stays, the second is not
 *   delivered. Completed jobs are kept for `idempotencyWindowSec` (BullMQ
 *   `removeOnComplete.age`); after that an id may be used again. Ids are
 *   refused (JOB_ID_INVALID) when BullMQ would refuse them: integers, `:`.
 *   See naming/job-id.ts for migsim's `{run}:{migration}:{attempt}:{seq}` ids.
 *
 * - **Retries with backoff, then the dead-letter queue.** A handler that
 *   throws is retried after `backoffDelayMs * 2^(attempt-1)` ms, up to
 *   `maxAttempts` attempts in all; after the last failure the message goes to
 *   the namespace's dead-letter queue (`dead-letter`) as a
 *   `transport.dead-letter` message carrying the source queue, the job id, a
 *   code (HANDLER_FAILED), the reason (the last error's message), the attempt
 *   count and the original body. The port's logger gets a warning with the
 *   same reason. A dead letter has a job id derived from the source queue and
 *   job id, so dead-lettering twice is a no-op too.
 *
 * - **Undecodable messages are dead-lettered at once.** A body that is
 *   malformed, of an unknown type or of an unknown version (another producer,
 *   an older or newer migsim) would fail the same way on every attempt, so it
 *   is not retried: it goes to the dead-letter queue on first sight with code
 *   MESSAGE_MALFORMED, MESSAGE_UNKNOWN_TYPE or MESSAGE_UNKNOWN_VERSION, the
 *   handler is never called, and the consumer goes on serving the queue.
 *
 * - **Stalled jobs are redelivered.** A consumer holds a lock on each job it
 *   is handling (`lockDurationMs`, renewed every half of it while the process
 *   lives). When the process dies — killed, crashed, or its event loop blocked
 *   longer than the lock — the lock lapses; a stalled-job check that every
 *   consumer runs every `stalledIntervalMs` moves the job back to the queue
 *   and another consumer gets it (`DeliveryContext.stalledCount` goes up; it
 *   is not a handler attempt). Worst-case redelivery latency is about
 *   `lockDurationMs + 2 * stalledIntervalMs` (BullMQ marks a job stalled on one
 *   check and moves it on the next). A job that stalls more than
 *   `maxStalledCount` times is presumed to kill its consumers and is
 *   dead-lettered (STALLED_TOO_OFTEN) instead of being retried forever.
 *
 * - **Concurrency.** A consumer runs at most `concurrency` handlers at once.
 *   Several consumers of one queue (in one process or many) share its jobs;
 *   each job goes to one of them at a time. Order: one consumer with
 *   concurrency 1 sees jobs in send order (delays and retries aside); nothing
 *   is promised across consumers.
 *
 * - **Delays.** `delayMs` holds a message back at least that long.
 *
 * - **Graceful close.** `Consumer.close()` stops taking jobs and waits for
 *   the handlers in flight to finish (their outcome is recorded as usual).
 *   `Consumer.close({ force: true })` does not wait: the jobs in flight are
 *   handed back — at once by the in-memory port, after the lock lapses by
 *   BullMQ — and another consumer gets them; the abandoned handlers' outcomes
 *   are ignored. `QueuePort.close()` closes every consumer gracefully, then
 *   the connections; afterwards every call rejects with PORT_CLOSED.
 *
 * - **Connections** (BullMQ): consumers use `maxRetriesPerRequest: null`, so
 *   a Redis outage makes them wait and reconnect by themselves rather than
 *   fail jobs; producers keep ioredis' default and fail a send after its
 *   retries, so the caller decides what a send during an outage means.
 */
export interface QueuePort<M extends Envelope = Envelope> {
  /** Sends one message; a no-op when `options.jobId` is already in the queue. */
  send(queue: string, message: M, options: SendOptions): Promise<void>;
  /** Sends many messages in one round trip; each entry behaves as `send` would. */
  sendBulk(queue: string, entries: readonly BulkEntry<M>[]): Promise<void>;
  /** Starts handling `queue`; resolves once the consumer is ready to receive. */
  consume(queue: string, handler: MessageHandler<M>, options: ConsumeOptions): Promise<Consumer>;
  /** Closes every consumer gracefully, then the port's connections. Idempotent. */
  close(): Promise<void>;
}

export interface SendOptions {
  /** Idempotency key: see naming/job-id.ts. */
  jobId: string;
  /** Hold the message back at least this long. */
  delayMs?: number;
}

export interface BulkEntry<M extends Envelope = Envelope> extends SendOptions {
  message: M;
}

export interface ConsumeOptions {
  /** Handlers running at once in this consumer (integer >= 1). */
  concurrency: number;
}

/** What a handler knows about the delivery it is handling. */
export interface DeliveryContext {
  readonly queue: string;
  readonly jobId: string;
  /** 1 on the first handler attempt, up to `maxAttempts`. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** How many times consumers lost this job mid-handling before this delivery. */
  readonly stalledCount: number;
}

/** Resolve to complete the job; throw to have it retried (then dead-lettered). */
export type MessageHandler<M extends Envelope = Envelope> = (message: M, context: DeliveryContext) => Promise<void>;

export interface Consumer {
  readonly queue: string;
  /** Graceful by default (wait for handlers in flight); `force` hands them back instead. */
  close(options?: { force?: boolean }): Promise<void>;
}
