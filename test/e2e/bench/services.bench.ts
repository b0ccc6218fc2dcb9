// The services against the engine, in the same run: the wall time of a
// scenario run unpaced (MIGSIM_SPEED=max) through the real controller and one
// host worker per role on one Redis, next to the in-process engine's wall time
// for the same scenario, with the window protocol's traffic (jobs, windows per
// second) and the CPU each process spent per window. Raw BullMQ's jobs/s on the
// same Redis is printed for scale: a run is a chain of round trips (window
// open -> every shard's done -> next open), so its pace is set by the latency
// of a hop, not by what a queue can carry.
//
// One stack serves a warm-up run (not counted: V8 still compiles the
// services' code) and then REPS measured runs. `pass` holds when every
// measured run's report equals the engine's but for `engine` and `execution`.
//
// Usage: tsx --conditions=development test/e2e/bench/services.bench.ts [--json]
// With --json the last line is {"scenario":…,"engineMs":…,"servicesMs":…,"servicesOverEngine":…,"windows":…,"windowsPerSec":…,"jobsPerWindow":…,"rawBullmqJobsPerSec":…,"identical":…,"pass":…,"runs":[…]}.
// Environment: BENCH_SCENARIO (scenarios/failed-migration-recovery.yaml), BENCH_REPS (3),
// MIGSIM_CPU_PROFILE_DIR (each service writes a V8 CPU profile there when it exits).
import { performance } from 'node:perf_hooks';
import { renderJson } from '@migsim/report';
import { coordinatorQueue, shardQueue } from '@migsim/runtime';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { completedJobs, encodeIdPart, measureRawBullmq, RedisCpuProbe, resolveRedis } from '@migsim/transport';
import { CpuSampler, processRssMiB } from '../support/cpu-sampler';
import { shippedScenario, withoutRunFields } from '../support/same-report';
import { ServicesStack } from '../support/services-stack';

const SCENARIO = shippedScenario(process.env.BENCH_SCENARIO ?? 'scenarios/failed-migration-recovery.yaml');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const RAW_JOBS = 20_000;
const json = process.argv.includes('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface ServicesRun {
  wallMs: number;
  windows: number;
  jobs: number;
  identical: boolean;
}

/** `name 123 µs, …, total 456 µs`: CPU microseconds per window of each process. */
function cpuPerWindow(seconds: Record<string, number>, windows: number): string {
  const parts = Object.entries(seconds).map(([name, used]) => `${name} ${Math.round((used / windows) * 1e6)} µs`);
  const total = Object.values(seconds).reduce((sum, used) => sum + used, 0);
  return `${parts.join(', ')}; total ${Math.round((total / windows) * 1e6)} µs`;
}

/** The engine's wall time for the scenario (median of REPS), and its report without engine and execution. */
function engineRun(): { ms: number; comparable: string } {
  const scenario = loadScenario(SCENARIO.text, SCENARIO.file);
  const times: number[] = [];
  let comparable = '';
  for (let rep = 0; rep < REPS; rep++) {
    const started = performance.now();
    const report = simulate(scenario, { scenarioFile: SCENARIO.file });
    times.push(performance.now() - started);
    comparable = withoutRunFields(renderJson(report));
  }
  return { ms: Math.round(median(times)), comparable };
}

/** One unpaced run through the stack, to its report; its traffic as the queues saw it. */
async function servicesRun(stack: ServicesStack, sampler: CpuSampler, redisUrl: string, engine: string, label: string): Promise<ServicesRun> {
  const id = await stack.submit(SCENARIO.text, SCENARIO.file);
  const run = await stack.waitForRun(id, 600_000);
  if (run.status !== 'completed') throw new Error(`${label}: run ${id} ${run.status}: ${run.error}`);
  const text = await stack.reportText(id);
  const execution = (JSON.parse(text) as { execution: { wallMs: number; windows: number } }).execution;
  const traffic = (await completedJobs(redisUrl, stack.namespace, [coordinatorQueue(), ...stack.shards.map(shardQueue)])).filter((job) => job.jobId.startsWith(`${encodeIdPart(id)}~`));
  const firstMs = Math.min(...traffic.map((job) => job.createdAtMs));
  const lastMs = Math.max(...traffic.map((job) => job.finishedAtMs));
  const identical = withoutRunFields(text) === engine;
  log(
    `${label}: ${execution.windows} windows in ${execution.wallMs} ms = ${Math.round((execution.windows / execution.wallMs) * 1000)} windows/s; ` +
      `${traffic.length} jobs (${(traffic.length / execution.windows).toFixed(1)} per window); report ${identical ? 'equals' : 'DIFFERS FROM'} the engine's`,
  );
  log(`${label}: CPU per window: ${cpuPerWindow(sampler.usedBetween(firstMs, lastMs), execution.windows)}`);
  log(`${label}: resident memory after the run: ${stack.processes.map((child) => `${[child.app, ...child.args].join(' ')} ${processRssMiB(child.pid) ?? '?'} MiB`).join(', ')}`);
  return { wallMs: execution.wallMs, windows: execution.windows, jobs: traffic.length, identical };
}

const engine = engineRun();
log(`engine: ${SCENARIO.file} in ${engine.ms} ms (median of ${REPS})`);
const redis = await resolveRedis();
const redisCpu = new RedisCpuProbe(redis.url);
const stack = new ServicesStack({ redisUrl: redis.url, label: 'bench', speed: 'max' });
try {
  const rawBefore = await measureRawBullmq({ url: redis.url, jobs: RAW_JOBS });
  log(`raw BullMQ on the same Redis: ${rawBefore.jobs} jobs, addBulk ${rawBefore.bulkSize}, concurrency ${rawBefore.concurrency}: ${rawBefore.jobsPerSecond} jobs/s`);
  await stack.start();
  const pids = Object.fromEntries(stack.processes.map((child) => [child.args.length > 0 ? child.args.at(-1)! : child.app, child.pid]));
  const sampler = new CpuSampler(pids, redisCpu);
  sampler.start();
  await servicesRun(stack, sampler, redis.url, engine.comparable, 'warm-up (not counted)');
  const runs: ServicesRun[] = [];
  for (let rep = 1; rep <= REPS; rep++) runs.push(await servicesRun(stack, sampler, redis.url, engine.comparable, `run ${rep}/${REPS}`));
  await sampler.stop();
  const middle = runs.find((run) => run.wallMs === median(runs.map((entry) => entry.wallMs)))!;
  const identical = runs.every((run) => run.identical);
  const result = {
    scenario: SCENARIO.file,
    engineMs: engine.ms,
    servicesMs: middle.wallMs,
    servicesOverEngine: Math.round((middle.wallMs / Math.max(1, engine.ms)) * 100) / 100,
    windows: middle.windows,
    windowsPerSec: Math.round((middle.windows / middle.wallMs) * 1000),
    jobsPerWindow: Math.round((middle.jobs / middle.windows) * 10) / 10,
    rawBullmqJobsPerSec: rawBefore.jobsPerSecond,
    identical,
    pass: identical,
    runs: runs.map((run) => ({ wallMs: run.wallMs, windows: run.windows, jobs: run.jobs, identical: run.identical })),
  };
  log(`services ${result.servicesMs} ms vs engine ${result.engineMs} ms (${result.servicesOverEngine}x), ${result.windowsPerSec} windows/s; every report equal to the engine's: ${identical}`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await stack.stop();
  redisCpu.close();
  await redis.stop();
}
