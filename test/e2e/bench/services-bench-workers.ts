import { loadavg } from 'node:os';
import { coordinatorQueue, shardQueue } from '@migsim/runtime';
import { completedJobs, encodeIdPart, type RedisCpuProbe } from '@migsim/transport';
import { CpuSampler, processPeakRssMiB, processRssMiB } from '../support/cpu-sampler';
import { withoutRunFields } from '../support/same-report';
import { ServicesStack } from '../support/services-stack';

export interface BenchScenario {
  file: string;
  text: string;
}

/** One process of a stack during a measured run. */
export interface ProcessFigures {
  /** `controller`, `source-<i>` or `destination-<i>` (the shard its worker serves). */
  name: string;
  /** CPU seconds (user + system) it used from the run's first job to its last. */
  cpuSeconds: number;
  /** Resident set right after the run. */
  rssMiB: number | null;
  /** Largest resident set since the process started (start-up, warm-up and the runs before included). */
  peakRssMiB: number | null;
}

export interface RunFigures {
  wallMs: number;
  windows: number;
  jobs: number;
  identical: boolean;
}

/** One worker count: its median measured run (by wall time), and every run. */
export interface WorkersResult {
  /** Host workers per role: `perRole` source workers and `perRole` destination workers, a shard each. */
  perRole: number;
  /** The report's `execution.wallMs`: from the run's start in the controller to its report. */
  wallMs: number;
  /** `wallMs` over the engine's. */
  overEngine: number;
  windows: number;
  windowsPerSec: number;
  /** The window protocol's jobs of the run (`coordinator` and `shard.<id>` queues): its messages. */
  jobs: number;
  jobsPerSec: number;
  jobsPerWindow: number;
  /** At most this many of the run's jobs wait or run at one time: one open per shard with hosts. */
  jobsInFlightMax: number;
  /** Hosts per shard (the report's `execution.shards`); a shard without hosts takes no part in the run. */
  shards: { id: string; hosts: number }[];
  processes: ProcessFigures[];
  /** CPU seconds the Redis server used during the run (`INFO cpu`), or null when it could not be read. */
  redisCpuSeconds: number | null;
  identical: boolean;
  /** Load average (1, 5, 15 min) right after the measured runs. */
  loadAverage: number[];
  runs: RunFigures[];
}

export interface MeasureWorkersOptions {
  perRole: number;
  scenario: BenchScenario;
  /** Run once on the fresh stack before the measured runs, not counted. */
  warmUp: BenchScenario;
  runs: number;
  engineMs: number;
  /** The engine's report without `engine` and `execution` (`withoutRunFields`). */
  engineComparable: string;
  redisUrl: string;
  redisCpu: RedisCpuProbe;
  log: (line: string) => void;
}

interface ExecutionBlock {
  wallMs: number;
  windows: number;
  shards: { id: string; hosts: number }[];
}

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

/** A fresh stack with `perRole` workers per role: a warm-up run, then `runs` measured runs of the scenario. */
export async function measureWorkers(options: MeasureWorkersOptions): Promise<WorkersResult> {
  const { perRole, log } = options;
  const stack = new ServicesStack({ redisUrl: options.redisUrl, label: `bench${perRole}`, speed: 'max', sourceWorkers: perRole, destinationWorkers: perRole });
  try {
    await stack.start();
    const pids = Object.fromEntries(stack.processes.map((child) => [nameOf(child.args), child.pid]));
    const sampler = new CpuSampler(pids, options.redisCpu);
    sampler.start();
    const warmUp = await runOnce(stack, options.warmUp, options.redisUrl);
    log(`${perRole} per role: warm-up ${options.warmUp.file} in ${warmUp.execution.wallMs} ms (${warmUp.execution.windows} windows, not counted)`);
    const measured: { figures: RunFigures; processes: ProcessFigures[]; redisCpuSeconds: number | null; shards: ExecutionBlock['shards']; jobsInFlightMax: number }[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const outcome = await runOnce(stack, options.scenario, options.redisUrl);
      const used = sampler.usedBetween(outcome.firstJobMs, outcome.lastJobMs);
      const processes = Object.entries(pids).map(([name, pid]) => ({ name, cpuSeconds: round(used[name] ?? 0, 2), rssMiB: processRssMiB(pid), peakRssMiB: processPeakRssMiB(pid) }));
      const identical = withoutRunFields(outcome.text) === options.engineComparable;
      const figures = { wallMs: outcome.execution.wallMs, windows: outcome.execution.windows, jobs: outcome.jobs, identical };
      const active = outcome.execution.shards.filter((shard) => shard.hosts > 0).length;
      measured.push({ figures, processes, redisCpuSeconds: used.redis === undefined ? null : round(used.redis, 2), shards: outcome.execution.shards, jobsInFlightMax: active });
      log(
        `${perRole} per role, run ${run}/${options.runs}: ${figures.windows} windows in ${figures.wallMs} ms = ${round((figures.windows / figures.wallMs) * 1000, 1)} windows/s; ` +
          `${figures.jobs} jobs (${round(figures.jobs / figures.windows, 2)} per window); report ${identical ? 'equals' : 'DIFFERS FROM'} the engine's; load ${loadavg()[0]!.toFixed(2)}`,
      );
    }
    await sampler.stop();
    const middle = [...measured].sort((a, b) => a.figures.wallMs - b.figures.wallMs)[Math.floor(measured.length / 2)]!;
    const { wallMs, windows, jobs } = middle.figures;
    return {
      perRole,
      wallMs,
      overEngine: round(wallMs / Math.max(1, options.engineMs), 2),
      windows,
      windowsPerSec: round((windows / wallMs) * 1000, 1),
      jobs,
      jobsPerSec: round((jobs / wallMs) * 1000, 1),
      jobsPerWindow: round(jobs / windows, 2),
      jobsInFlightMax: middle.jobsInFlightMax,
      shards: middle.shards,
      processes: middle.processes,
      redisCpuSeconds: middle.redisCpuSeconds,
      identical: measured.every((entry) => entry.figures.identical),
      loadAverage: loadavg().map((value) => round(value, 2)),
      runs: measured.map((entry) => entry.figures),
    };
  } finally {
    await stack.stop();
  }
}

/** One unpaced run through the stack, to its report; its jobs as the queues saw them. */
async function runOnce(stack: ServicesStack, scenario: BenchScenario, redisUrl: string): Promise<{ text: string; execution: ExecutionBlock; jobs: number; firstJobMs: number; lastJobMs: number }> {
  const id = await stack.submit(scenario.text, scenario.file);
  // Once a second: a study's run summary lists every migration, and answering it costs the controller CPU. The
  // wall time is the report's own, so the poll's pace changes nothing measured.
  let run = await stack.run(id);
  await stack.until(async () => (run = await stack.run(id)).status !== 'running', 1_800_000, `run ${id} to end`, 1_000);
  if (run.status !== 'completed') throw new Error(`${scenario.file}: run ${id} ${run.status}: ${run.error}`);
  const text = await stack.reportText(id);
  const execution = (JSON.parse(text) as { execution: ExecutionBlock }).execution;
  const traffic = (await completedJobs(redisUrl, stack.namespace, [coordinatorQueue(), ...stack.shards.map(shardQueue)])).filter((job) => job.jobId.startsWith(`${encodeIdPart(id)}~`));
  return {
    text,
    execution,
    jobs: traffic.length,
    firstJobMs: Math.min(...traffic.map((job) => job.createdAtMs)),
    lastJobMs: Math.max(...traffic.map((job) => job.finishedAtMs)),
  };
}

/** `controller`, or the shard a host worker serves (`--shards source-0`). */
function nameOf(args: readonly string[]): string {
  return args.length > 0 ? args.at(-1)! : 'controller';
}
