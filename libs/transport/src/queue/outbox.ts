import type { QueuePort } from '../interfaces/queue-port';
import type { Envelope } from '../messages/envelope';

interface OutboxEntry<M extends Envelope> {
  queue: string;
  message: M;
  jobId: string;
  /** Settles the caller of `deliver` once this entry reached the queue. */
  delivered?: () => void;
}

interface OutboxLane<M extends Envelope> {
  entries: OutboxEntry<M>[];
  flushing: boolean;
  bulksInFlight: number;
}

/**
 * At most this many messages of a lane go to Redis in one `addBulk`. BullMQ
 * runs a bulk as one MULTI/EXEC, during which Redis serves no other client:
 * a 500-job bulk kept consumers waiting tens of milliseconds, so bulks stay small
 * and several are pipelined instead.
 */
const MAX_BULK_ENTRIES = 100;

/**
 * Ordered, retrying sends of a service's window-protocol messages (the
 * coordinator's run-start, window-open and run-finish to the shards, a
 * shard's window-done and run-facts to the coordinator). A producer fails a
 * send while Redis is away (ioredis' default); the outbox keeps the message
 * and tries again every `retryMs`, in order, so a Redis outage delays a run's
 * windows but loses no message. Re-sending is safe: every job id is
 * idempotent. Each queue has its own lane (order is kept per queue, which is
 * what consumers rely on), and consecutive messages of a lane go to Redis in
 * `addBulk`s of up to MAX_BULK_ENTRIES.
 *
 * A lane sends one bulk at a time unless `bulksInFlight(queue)` allows more:
 * then that many are issued back to back without waiting for each reply in
 * turn. They still reach Redis in order (a port issues sends in call order on
 * one connection; BullMQ: one ioredis client per producer), but when one of
 * them fails, it and every bulk after it are sent again (a no-op for those
 * that did arrive), so the bulks that were in flight with a lost one can
 * overtake it. Only queues whose consumers tolerate reordering should allow
 * more than one; the services keep every lane at one (none of them passes
 * `bulksInFlight` to MigsimQueueModule).
 */
export class Outbox<M extends Envelope> {
  private readonly lanes = new Map<string, OutboxLane<M>>();
  private failures = 0;
  sent = 0;

  constructor(
    private readonly port: QueuePort<M>,
    private readonly log: (message: string) => void,
    private readonly retryMs = 250,
    private readonly bulksInFlight: (queue: string) => number = () => 1,
  ) {}

  get pending(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.entries.length;
    return count;
  }

  push(queue: string, message: M, jobId: string): void {
    this.enqueue({ queue, message, jobId });
  }

  /**
   * Like `push`, and resolves once the message is in its queue (after any
   * retries an outage takes). A consumer that must not acknowledge its input
   * before its answer is safely out (the window protocol) awaits this.
   */
  deliver(queue: string, message: M, jobId: string): Promise<void> {
    return new Promise((delivered) => this.enqueue({ queue, message, jobId, delivered }));
  }

  private enqueue(entry: OutboxEntry<M>): void {
    const queue = entry.queue;
    let lane = this.lanes.get(queue);
    if (lane === undefined) {
      lane = { entries: [], flushing: false, bulksInFlight: Math.max(1, Math.floor(this.bulksInFlight(queue))) };
      this.lanes.set(queue, lane);
    }
    lane.entries.push(entry);
    if (!lane.flushing) {
      lane.flushing = true;
      // The flush starts once the caller's synchronous work is done, so what
      // it pushes in one go (a host's tick: batches of every migration) leaves
      // in the same bulks rather than a lone job first.
      queueMicrotask(() => void this.flush(lane));
    }
  }

  /** Resolves once everything queued so far was sent (or `timeoutMs` passed). */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
    return this.pending === 0;
  }

  /**
   * Sends the lane's entries until none is left. `flushing` is cleared in the
   * same synchronous step as the last check for entries: an entry pushed
   * after that check starts a flush of its own, never waits on one that
   * already ended.
   */
  private async flush(lane: OutboxLane<M>): Promise<void> {
    try {
      while (lane.entries.length > 0) {
        const bulks: OutboxEntry<M>[][] = [];
        for (let offset = 0; offset < lane.entries.length && bulks.length < lane.bulksInFlight; offset += MAX_BULK_ENTRIES) {
          bulks.push(lane.entries.slice(offset, offset + MAX_BULK_ENTRIES));
        }
        const outcomes = await Promise.allSettled(bulks.map((bulk) => this.sendBulk(bulk)));
        // Only the bulks before the first failure count as sent; the rest go again, in order.
        let sentCount = 0;
        let failure: { queue: string; reason: unknown } | undefined;
        for (const [index, outcome] of outcomes.entries()) {
          if (outcome.status === 'rejected') {
            failure = { queue: bulks[index]![0]!.queue, reason: outcome.reason };
            break;
          }
          sentCount += bulks[index]!.length;
        }
        for (const entry of lane.entries.splice(0, sentCount)) entry.delivered?.();
        this.sent += sentCount;
        if (failure === undefined) {
          if (this.failures > 0) this.log(`outbox: Redis reachable again after ${this.failures} failed send(s)`);
          this.failures = 0;
          continue;
        }
        if (this.failures === 0) this.log(`outbox: send to ${failure.queue} failed (${(failure.reason as Error).message}); retrying every ${this.retryMs} ms`);
        this.failures += outcomes.filter((outcome) => outcome.status === 'rejected').length;
        await new Promise((wake) => setTimeout(wake, this.retryMs));
      }
    } finally {
      lane.flushing = false;
    }
  }

  private sendBulk(bulk: readonly OutboxEntry<M>[]): Promise<void> {
    const first = bulk[0]!;
    if (bulk.length === 1) return this.port.send(first.queue, first.message, { jobId: first.jobId });
    return this.port.sendBulk(first.queue, bulk.map((entry) => ({ message: entry.message, jobId: entry.jobId })));
  }
}
