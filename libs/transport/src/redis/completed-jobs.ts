import { Redis } from 'ioredis';
import { hashTagPrefix } from '../naming/queue-layout';

/** One job a queue completed, with BullMQ's own timestamps (milliseconds since the epoch). */
export interface CompletedJob {
  readonly queue: string;
  readonly jobId: string;
  /** When it was added (`timestamp` of the job hash). */
  readonly createdAtMs: number;
  /** When a worker last took it (`processedOn`). */
  readonly processedAtMs: number;
  /** When it completed (`finishedOn`, also its score in the completed set). */
  readonly finishedAtMs: number;
}

/**
 * The jobs `queues` of one namespace have completed and still keep (the
 * idempotency window), with BullMQ's timestamps, read in one pipeline: what a
 * benchmark times its window and counts its jobs from, since the queue, not
 * the reader, saw when each job was added and finished.
 */
export async function completedJobs(url: string, namespace: string, queues: readonly string[]): Promise<CompletedJob[]> {
  const prefix = hashTagPrefix(namespace);
  const client = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    const jobs: CompletedJob[] = [];
    for (const queue of queues) {
      const ids = await client.zrange(`${prefix}:${queue}:completed`, '0', '-1');
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.hmget(`${prefix}:${queue}:${id}`, 'timestamp', 'processedOn', 'finishedOn');
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, fields], index) => {
        if (error !== null) throw error;
        const [created, processed, finished] = (fields as (string | null)[]).map(Number);
        jobs.push({ queue, jobId: ids[index]!, createdAtMs: created!, processedAtMs: processed!, finishedAtMs: finished! });
      });
    }
    return jobs;
  } finally {
    client.disconnect();
  }
}

/**
 * CPU seconds the Redis server has used (`INFO cpu`: used_cpu_user +
 * used_cpu_sys, all threads), sampled on demand over one connection: a
 * benchmark reads it around its window to say what each job cost Redis.
 */
export class RedisCpuProbe {
  private readonly client: Redis;

  constructor(url: string) {
    this.client = new Redis(url, { maxRetriesPerRequest: 3 });
    this.client.on('error', () => {});
  }

  async cpuSeconds(): Promise<number> {
    const info = await this.client.info('cpu');
    let seconds = 0;
    for (const match of info.matchAll(/^used_cpu_(?:user|sys):([\d.]+)/gm)) seconds += Number(match[1]);
    return seconds;
  }

  close(): void {
    this.client.disconnect();
  }
}
