import type { QueuePort } from '../interfaces/queue-port';
import type { Envelope } from '../messages/envelope';

interface OutboxEntry<M extends Envelope> {
  queue: string;
  message: M;
  jobId: string;
}

interface OutboxLane<M extends Envelope> {
  entries: OutboxEntry<M>[];
  flushing: boolean;
}

/** At most this many messages of a lane go to Redis in one `addBulk`. */
const MAX_BULK_ENTRIES = 500;

/**
 * Ordered, retrying sends. A producer fails a send while Redis is away
 * (ioredis' default); the outbox keeps the message and tries again every
 * `retryMs`, in order, so a Redis outage delays page traffic and events but
 * loses none. Re-sending is safe: every job id is idempotent. Each queue has
 * its own lane (order is kept per queue, which is what consumers rely on), and
 * consecutive messages of a lane go to Redis in one `addBulk`.
 */
export class Outbox<M extends Envelope> {
  private readonly lanes = new Map<string, OutboxLane<M>>();
  private failures = 0;
  sent = 0;

  constructor(
    private readonly port: QueuePort<M>,
    private readonly log: (message: string) => void,
    private readonly retryMs = 250,
  ) {}

  get pending(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.entries.length;
    return count;
  }

  push(queue: string, message: M, jobId: string): void {
    let lane = this.lanes.get(queue);
    if (lane === undefined) {
      lane = { entries: [], flushing: false };
      this.lanes.set(queue, lane);
    }
    lane.entries.push({ queue, message, jobId });
    if (!lane.flushing) {
      lane.flushing = true;
      void this.flush(lane).finally(() => {
        lane.flushing = false;
      });
    }
  }

  /** Resolves once everything queued so far was sent (or `timeoutMs` passed). */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
    return this.pending === 0;
  }

  private async flush(lane: OutboxLane<M>): Promise<void> {
    while (lane.entries.length > 0) {
      const batch = lane.entries.slice(0, MAX_BULK_ENTRIES);
      const first = batch[0]!;
      try {
        if (batch.length === 1) await this.port.send(first.queue, first.message, { jobId: first.jobId });
        else await this.port.sendBulk(first.queue, batch.map((entry) => ({ message: entry.message, jobId: entry.jobId })));
        lane.entries.splice(0, batch.length);
        this.sent += batch.length;
        if (this.failures > 0) this.log(`outbox: Redis reachable again after ${this.failures} failed send(s)`);
        this.failures = 0;
      } catch (error) {
        this.failures++;
        if (this.failures === 1) this.log(`outbox: send to ${first.queue} failed (${(error as Error).message}); retrying every ${this.retryMs} ms`);
        await new Promise((wake) => setTimeout(wake, this.retryMs));
      }
    }
  }
}
