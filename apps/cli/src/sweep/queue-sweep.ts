import { randomBytes } from 'node:crypto';
import { BullmqQueuePort, type TransportLogger } from '@migsim/transport';
import { runId, runTasksOf, type RunResult, type SweepPlan } from '@migsim/sweep';
import { readResult, replyQueueOf, runJobId, runMessage, SWEEP_DELIVERY, SWEEP_RUNS_QUEUE, sweepCodecs, type SweepMessage } from './sweep-messages';

export interface QueueSweepOptions {
  url: string;
  namespace: string;
  onResult: (result: RunResult, done: number, total: number) => void;
  logger: TransportLogger;
}

/**
 * Fans a sweep's runs out as BullMQ jobs (one per run, idempotent ids) to
 * the `migsim worker` processes sharing the Redis, and collects their
 * results from the sweep's own reply queue. A result that arrives twice (a
 * worker died after answering) counts once. Resolves with every run's result.
 */
export async function runOverQueue(plan: SweepPlan, options: QueueSweepOptions): Promise<RunResult[]> {
  const sweep = randomBytes(6).toString('hex');
  const port = new BullmqQueuePort<SweepMessage>({
    url: options.url,
    namespace: options.namespace,
    codecs: sweepCodecs(),
    delivery: SWEEP_DELIVERY,
    logger: options.logger,
    consumerName: `sweep-${sweep}`,
  });
  const tasks = runTasksOf(plan);
  const expected = new Set(tasks.map(runId));
  const results = new Map<string, RunResult>();
  try {
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    await port.consume(
      replyQueueOf(sweep),
      async (message) => {
        if (message.type !== 'sweep.result' || message.sweep !== sweep) return;
        const result = readResult(message);
        const id = runId(result);
        if (!expected.has(id) || results.has(id)) return;
        results.set(id, result);
        options.onResult(result, results.size, tasks.length);
        if (results.size === tasks.length) finish();
      },
      { concurrency: 8 },
    );
    for (let start = 0; start < tasks.length; start += 100) {
      const chunk = tasks.slice(start, start + 100);
      await port.sendBulk(
        SWEEP_RUNS_QUEUE,
        chunk.map((task) => ({ message: runMessage(sweep, task), jobId: runJobId(sweep, task) })),
      );
    }
    if (tasks.length > 0) await finished;
    return [...results.values()];
  } finally {
    await port.close();
  }
}
