import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ScenarioError } from '@migsim/scenario';
import {
  erroredRun,
  parseSeeds,
  parseSetOption,
  pickRunsToShrink,
  planSweep,
  renderRunsCsv,
  renderSummaryJson,
  renderSummaryText,
  renderSweepHtml,
  runId,
  runTasksOf,
  shrunkFileName,
  summarizeSweep,
  SweepInputError,
  type RunResult,
  type SweepPlan,
} from '@migsim/sweep';
import { serviceLogger } from '@migsim/transport';
import { parseOptions } from '../args';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../cli-error';
import type { CommandContext } from '../command-context';
import { readUserFile, writeOutputFile } from '../files';
import { ProgressBar } from '../progress-bar';
import { DEFAULT_SWEEP_NAMESPACE } from '../sweep/sweep-messages';
import { parseNamespace, parseQueueUrl, parseWorkerCount } from '../sweep/sweep-options';
import { runOverQueue } from '../sweep/queue-sweep';
import { ThreadPool } from '../sweep/thread-pool';

export const SWEEP_USAGE = `migsim sweep <scenario.yaml> --seeds 1..N --out DIR [--set path=v1,v2 ...] [--variants a,b]
             [--workers N | --queue redis://HOST:PORT [--namespace NAME]] [--shrink [--shrink-max N] [--shrink-budget N]]
    Run every variant with every seed (and every value of each --set path, e.g.
    policy.progressTimeout=30s,150s), paired: one seed gives every variant the same
    drawn faults and workload. Writes DIR/summary.json, DIR/runs.csv and
    DIR/index.html, prints each variant's outcomes, the paired differences and
    the failing runs with the command that reproduces each. Runs on N worker
    threads (default: every core), or as BullMQ jobs for \`migsim worker\`
    processes sharing the Redis of --queue. --shrink writes each failing run
    (at most --shrink-max, default 10; at most --shrink-budget simulations
    each, default 200) as a small scenario under DIR/shrunk/ that still fails
    the same check. Exit 0 when no run failed a check, 1 when one did, 2 on
    bad input.
`;

/** `migsim sweep`: plan (everything validated first), run, summarise, shrink, write. */
export async function runSweep(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(
    ctx.args,
    {
      seeds: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      variants: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      queue: { type: 'string' },
      namespace: { type: 'string', default: DEFAULT_SWEEP_NAMESPACE },
      shrink: { type: 'boolean', default: false },
      'shrink-max': { type: 'string', default: '10' },
      'shrink-budget': { type: 'string', default: '200' },
      help: { type: 'boolean', default: false },
    },
    'sweep',
  );
  if (values.help) {
    ctx.stdout.write(SWEEP_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new CliError(`migsim sweep: expected one scenario file, e.g. migsim sweep scenarios/chaos-policies.yaml --seeds 1..200 --out out/chaos\n${SWEEP_USAGE}`);
  if (values.seeds === undefined) throw new CliError('migsim sweep: --seeds is required, e.g. --seeds 1..200');
  if (values.out === undefined) throw new CliError('migsim sweep: --out is required: the directory for summary.json, runs.csv and index.html');
  if (values.queue !== undefined && values.workers !== undefined) throw new CliError('migsim sweep: --workers and --queue exclude each other: with --queue, each migsim worker has its own --workers');
  const file = positionals[0]!;
  const out = values.out;
  const workers = values.workers === undefined ? availableParallelism() : parseWorkerCount('sweep', values.workers);
  const queue = values.queue === undefined ? undefined : parseQueueUrl('sweep', values.queue);
  const namespace = parseNamespace('sweep', values.namespace);
  const shrinkMax = positiveInteger('--shrink-max', values['shrink-max']);
  const shrinkBudget = positiveInteger('--shrink-budget', values['shrink-budget']);

  const plan = input(() => {
    const seeds = parseSeeds(values.seeds!);
    const sets = values.set.map(parseSetOption);
    const variants = values.variants === undefined ? undefined : values.variants.split(',').map((name) => name.trim()).filter((name) => name !== '');
    return planSweep({ scenarioText: readUserFile(file, 'scenario file'), fileName: file, seeds, sets, ...(variants === undefined ? {} : { variants }) });
  });
  const total = plan.cells.length * plan.seeds.length * plan.variants.length;
  const where = queue === undefined ? `${workers} worker thread${workers === 1 ? '' : 's'}` : `BullMQ workers on ${redactUrl(queue)} (namespace ${namespace})`;
  ctx.stderr.write(`migsim sweep: ${total} runs (${plan.seeds.length} seeds x ${plan.variants.length} variants${plan.cells.length > 1 ? ` x ${plan.cells.length} cells` : ''}) on ${where}\n`);

  const startedMs = performance.now();
  const startedCpu = process.cpuUsage();
  const progress = new ProgressBar('sweeping', ctx.stderr);
  const onResult = (_result: RunResult, done: number) => progress.update(done / total, { done, total });
  let pool: ThreadPool | undefined;
  let results: RunResult[];
  let shrunk = new Map<string, string>();
  let runsS = 0;
  let runsCpuS = 0;
  try {
    if (queue === undefined) {
      pool = new ThreadPool(Math.min(workers, total));
      results = await runLocally(plan, pool, onResult);
    } else {
      results = await runOverQueue(plan, { url: queue, namespace, onResult: (result, done) => onResult(result, done), logger: serviceLogger('migsim-sweep') });
    }
    progress.done();
    runsS = (performance.now() - startedMs) / 1000;
    const cpu = process.cpuUsage(startedCpu);
    runsCpuS = (cpu.user + cpu.system) / 1e6;
    if (values.shrink) {
      pool ??= new ThreadPool(Math.min(workers, availableParallelism()));
      shrunk = await shrinkFailures(plan, results, pool, out, shrinkMax, shrinkBudget, ctx);
    }
  } finally {
    progress.done();
    await pool?.close();
  }
  const summary = summarizeSweep(plan, results, { shrunk });
  writeOutputFile(join(out, 'summary.json'), renderSummaryJson(summary));
  writeOutputFile(join(out, 'runs.csv'), renderRunsCsv(plan, results));
  writeOutputFile(join(out, 'index.html'), renderSweepHtml(plan, summary, results));
  ctx.stdout.write(renderSummaryText(summary));
  // CPU of this process, its threads included: with --queue the runs' CPU is the workers'.
  ctx.stdout.write(`\n${total} runs in ${runsS.toFixed(1)} s (${(total / runsS).toFixed(1)} runs/s, ${runsCpuS.toFixed(1)} CPU s here); wrote ${join(out, 'summary.json')}, ${join(out, 'runs.csv')}, ${join(out, 'index.html')}\n`);
  return summary.failures.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** Every run on the pool's threads; results come back in any order (the summary sorts them). */
async function runLocally(plan: SweepPlan, pool: ThreadPool, onResult: (result: RunResult, done: number) => void): Promise<RunResult[]> {
  let done = 0;
  return Promise.all(
    runTasksOf(plan).map(async (task) => {
      // A thread that dies (out of memory, a crash) fails its run, not the sweep.
      const result = await pool.run(task).catch((error: unknown) => erroredRun(task, error));
      done += 1;
      onResult(result, done);
      return result;
    }),
  );
}

async function shrinkFailures(plan: SweepPlan, results: readonly RunResult[], pool: ThreadPool, out: string, max: number, budget: number, ctx: CommandContext): Promise<Map<string, string>> {
  const tasks = pickRunsToShrink(plan, results, max, budget);
  const shrunk = new Map<string, string>();
  if (tasks.length === 0) return shrunk;
  ctx.stderr.write(`migsim sweep: shrinking ${tasks.length} failing run${tasks.length === 1 ? '' : 's'} (at most ${budget} simulations each)\n`);
  const progress = new ProgressBar('shrinking', ctx.stderr);
  let done = 0;
  try {
    await Promise.all(
      tasks.map(async (task) => {
        try {
          const result = await pool.shrink(task);
          const name = shrunkFileName(plan, task);
          writeOutputFile(join(out, name), result.yaml.replace('migsim simulate <this file>', `migsim simulate ${join(out, name)}`));
          shrunk.set(runId(task), name);
        } catch (error) {
          ctx.stderr.write(`migsim sweep: could not shrink seed ${task.seed}, variant ${task.variant}: ${(error as Error).message.split('\n')[0]}\n`);
        }
        done += 1;
        progress.update(done / tasks.length, { done, total: tasks.length });
      }),
    );
  } finally {
    progress.done();
  }
  return shrunk;
}

/** Input problems become exit-2 messages that name the option or the file, never a stack trace. */
function input<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SweepInputError) throw new CliError(`migsim sweep: ${error.message}`);
    if (error instanceof ScenarioError) throw new CliError(error.format());
    throw error;
  }
}

function positiveInteger(option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1_000_000) throw new CliError(`migsim sweep: ${option}: found "${text}", expected a whole number from 1 to 1000000`);
  return Number(text);
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
