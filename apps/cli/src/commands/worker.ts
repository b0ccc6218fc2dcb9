import { availableParallelism } from 'node:os';
import { erroredRun } from '@migsim/sweep';
import { BullmqQueuePort, serviceLogger } from '@migsim/transport';
import { parseOptions } from '../args';
import { CliError } from '../cli-error';
import type { CommandContext } from '../command-context';
import { parseNamespace, parseQueueUrl, parseWorkerCount } from '../sweep/sweep-options';
import { DEFAULT_SWEEP_NAMESPACE, resultMessage, runJobId, SWEEP_DELIVERY, SWEEP_RUNS_QUEUE, sweepCodecs, taskOf, type SweepMessage } from '../sweep/sweep-messages';
import { ThreadPool } from '../sweep/thread-pool';

export const WORKER_USAGE = `migsim worker --queue redis://HOST:PORT [--namespace NAME] [--workers N]
    Serve sweeps: take runs from the BullMQ queue that \`migsim sweep --queue\` fills,
    run each in one of N worker threads (default: every core), and send the
    results back. Start as many as you like on any machines sharing the Redis;
    a killed worker's runs go to another. Stops on SIGINT or SIGTERM.
`;

/**
 * `migsim worker`: a BullMQ consumer of `sweep.runs` whose runs execute in
 * a pool of worker threads (so the event loop keeps renewing the jobs'
 * locks), one job per free thread.
 */
export async function runWorker(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(
    ctx.args,
    { queue: { type: 'string' }, namespace: { type: 'string', default: DEFAULT_SWEEP_NAMESPACE }, workers: { type: 'string' }, help: { type: 'boolean', default: false } },
    'worker',
  );
  if (values.help) {
    ctx.stdout.write(WORKER_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`migsim worker: unexpected argument '${positionals[0]}'\n${WORKER_USAGE}`);
  if (values.queue === undefined) throw new CliError(`migsim worker: --queue is required: the Redis URL the sweeps use, e.g. redis://127.0.0.1:6379\n${WORKER_USAGE}`);
  const url = parseQueueUrl('worker', values.queue);
  const namespace = parseNamespace('worker', values.namespace);
  const threads = values.workers === undefined ? availableParallelism() : parseWorkerCount('worker', values.workers);
  const pool = new ThreadPool(threads);
  const port = new BullmqQueuePort<SweepMessage>({
    url,
    namespace,
    codecs: sweepCodecs(),
    delivery: SWEEP_DELIVERY,
    logger: serviceLogger('migsim-worker'),
    consumerName: `migsim-worker-${process.pid}`,
  });
  await port.consume(
    SWEEP_RUNS_QUEUE,
    async (message, context) => {
      if (message.type !== 'sweep.run') return;
      const task = taskOf(message);
      ctx.stdout.write(`took ${context.jobId}${context.stalledCount > 0 ? ` (again, after ${context.stalledCount} lost)` : ''}\n`);
      // A thread that dies fails its run (the sweep lists it) rather than the job, which the sweep would wait for.
      const result = await pool.run(task).catch((error: unknown) => erroredRun(task, error));
      await port.send(message.replyTo, resultMessage(message.sweep, result), { jobId: runJobId(message.sweep, task) });
    },
    { concurrency: threads },
  );
  ctx.stdout.write(`migsim worker: serving ${SWEEP_RUNS_QUEUE} of namespace ${namespace} with ${threads} thread${threads === 1 ? '' : 's'} (pid ${process.pid})\n`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await port.close();
  await pool.close();
  return 0;
}
