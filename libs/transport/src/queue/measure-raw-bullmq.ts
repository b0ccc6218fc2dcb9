import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { purgeNamespace } from '../redis/purge-namespace';
import { hashTagPrefix } from '../naming/queue-layout';

export interface RawBullmqOptions {
  url: string;
  jobs: number;
  /** Worker concurrency; 50 is the figure DESIGN.md section 8 measured with. */
  concurrency?: number;
  /** Jobs per addBulk call. */
  bulkSize?: number;
  /** Namespace for the run's keys (deleted afterwards); a fresh one by default. */
  namespace?: string;
}

export interface RawBullmqMeasurement {
  readonly jobs: number;
  readonly concurrency: number;
  readonly bulkSize: number;
  /** From the first addBulk until the worker completed the last job. */
  readonly elapsedMs: number;
  /** Time spent in addBulk calls alone (they overlap with processing). */
  readonly addMs: number;
  readonly jobsPerSecond: number;
  /** CPU this process used over `elapsedMs` (user + system), in milliseconds: both the producer and the worker. */
  readonly cpuMs: number;
}

/**
 * Raw BullMQ throughput in this process: `addBulk` of `jobs` empty jobs and
 * one Worker (no-op processor) draining them at `concurrency`, timed end to
 * end. No codec, no port: the ceiling the port's own numbers are compared
 * with, measured in the same process and the same minute. Uses a namespace
 * of its own and deletes its keys afterwards.
 */
export async function measureRawBullmq(options: RawBullmqOptions): Promise<RawBullmqMeasurement> {
  const concurrency = options.concurrency ?? 50;
  const bulkSize = options.bulkSize ?? 1_000;
  if (!Number.isSafeInteger(options.jobs) || options.jobs < 1) throw new RangeError(`jobs: expected an integer >= 1, got ${options.jobs}`);
  const namespace = options.namespace ?? `bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  const prefix = hashTagPrefix(namespace);
  const queueName = 'bench.raw';
  const queue = new Queue(queueName, { connection: { url: options.url }, prefix });
  const worker = new Worker(queueName, async () => {}, {
    connection: { url: options.url, maxRetriesPerRequest: null },
    prefix,
    concurrency,
    autorun: false,
  });
  try {
    await queue.waitUntilReady();
    await worker.waitUntilReady();
    let completed = 0;
    let startedAtMs = 0;
    const allDone = new Promise<number>((resolveDone) => {
      worker.on('completed', () => {
        completed++;
        if (completed === options.jobs) resolveDone(performance.now());
      });
    });
    void worker.run();
    startedAtMs = performance.now();
    const cpuBefore = process.cpuUsage();
    let addMs = 0;
    for (let first = 0; first < options.jobs; first += bulkSize) {
      const count = Math.min(bulkSize, options.jobs - first);
      const jobs = Array.from({ length: count }, (_, k) => ({
        name: 'raw',
        data: { n: first + k },
        opts: { removeOnComplete: true, removeOnFail: true },
      }));
      const addStartMs = performance.now();
      await queue.addBulk(jobs);
      addMs += performance.now() - addStartMs;
    }
    const doneAtMs = await allDone;
    const cpu = process.cpuUsage(cpuBefore);
    const elapsedMs = doneAtMs - startedAtMs;
    return {
      jobs: options.jobs,
      concurrency,
      bulkSize,
      elapsedMs: Math.round(elapsedMs),
      addMs: Math.round(addMs),
      jobsPerSecond: Math.round((options.jobs / elapsedMs) * 1000),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
  } finally {
    await worker.close();
    await queue.close();
    await purgeNamespace(options.url, namespace);
  }
}
