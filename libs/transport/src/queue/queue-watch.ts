import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { Queue } from 'bullmq';
import { assertQueueName, hashTagPrefix } from '../naming/queue-layout';
import { errorMessage } from './deliver';

/** `Queue.getJobCounts` of one queue, by BullMQ state. */
export interface QueueCounts {
  readonly queue: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly prioritized: number;
  readonly completed: number;
  readonly failed: number;
}

export interface QueueWatchOptions {
  url: string;
  namespace: string;
  /** Told about connection errors (the watch keeps retrying, as BullMQ does). */
  onError?: (queue: string, error: string) => void;
}

/** A bull-board queue adapter (`@bull-board/api`'s BullMQAdapter), read-only. */
export type QueueBoardAdapter = BullMQAdapter;

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/**
 * Read side of a namespace's queues, for operators: BullMQ `Queue` objects
 * opened on first mention (a caller adds queues as it learns of them), their job counts by
 * state, and read-only bull-board adapters over them. A watch never adds or
 * takes jobs. `close()` closes every queue it opened.
 */
export class QueueWatch {
  private readonly prefix: string;
  private readonly queues = new Map<string, Queue>();
  private closed = false;

  constructor(private readonly options: QueueWatchOptions) {
    this.prefix = hashTagPrefix(options.namespace);
  }

  /** Opens the queues not watched yet; returns the names it opened, in the order given. */
  watch(names: readonly string[]): string[] {
    if (this.closed) return [];
    const opened: string[] = [];
    for (const name of names) {
      if (this.queues.has(name)) continue;
      assertQueueName(name);
      const queue = new Queue(name, { connection: { url: this.options.url }, prefix: this.prefix });
      queue.on('error', (error) => this.options.onError?.(name, errorMessage(error)));
      this.queues.set(name, queue);
      opened.push(name);
    }
    return opened;
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  /** A read-only bull-board adapter for a watched queue (`displayName` without the hash-tag prefix). */
  boardAdapter(name: string): QueueBoardAdapter {
    const queue = this.queues.get(name);
    if (queue === undefined) throw new Error(`queue ${name} is not watched`);
    return new BullMQAdapter(queue, { readOnlyMode: true, displayName: name });
  }

  /** Job counts of every watched queue, in watch order. */
  async counts(): Promise<QueueCounts[]> {
    return Promise.all(
      [...this.queues].map(async ([name, queue]) => {
        const counts = await queue.getJobCounts(...STATES);
        return { queue: name, ...Object.fromEntries(STATES.map((state) => [state, counts[state] ?? 0])) } as unknown as QueueCounts;
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close().catch(() => undefined)));
  }
}
