// The services against the engine on what users wait for: the 200-host /
// 2,000-VM drain study of bench:engine (`drainStudyDocument` of
// @migsim/sim/testing, the same scenario and seed), run in the in-process
// engine and unpaced (MIGSIM_SPEED=max) through the real controller and N host
// workers per role (N source shards, N destination shards, a worker each) on
// one Redis, for N = 1, 2 and 4, in the same run. Every services report must
// equal the engine's byte for byte but for `engine` and `execution`.
//
// For each N, a fresh stack runs the flagship once unpaced (not counted: V8
// still compiles the services' code; with BENCH_SCENARIO, that scenario), then
// the measured runs. Per run: wall time and windows (the report's
// `execution`), the window protocol's jobs (the `coordinator` and `shard.<id>`
// jobs of the run in BullMQ's completed sets), the CPU each process spent
// during the run (`/proc/<pid>/stat` sampled every 50 ms; Redis through
// `INFO cpu`) and each process's resident set after the run and at its peak
// (`VmHWM`: since the process started). Raw BullMQ's jobs/s on the same Redis,
// measured before and after the stacks, gives the secondary figure: the
// services' jobs/s over it.
//
// Usage: tsx --conditions=development test/e2e/bench/services.bench.ts [--json]
// With --json the last stdout line is one JSON object (`ServicesBenchResult` below).
// Environment: BENCH_SCENARIO (a scenario file instead of the study, e.g.
// scenarios/failed-migration-recovery.yaml), BENCH_WORKERS (1,2,4), BENCH_REPS
// (engine runs, median; 3), BENCH_RUNS (measured services runs per worker
// count, median; 1 for the study, 3 for a file), MIGSIM_CPU_PROFILE_DIR (each
// service writes a V8 CPU profile there when it exits).
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { renderJson } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { drainStudyDocument } from '@migsim/sim/testing';
import { measureRawBullmq, RedisCpuProbe, resolveRedis } from '@migsim/transport';
import { shippedScenario, withoutRunFields } from '../support/same-report';
import { measureWorkers, type BenchScenario, type WorkersResult } from './services-bench-workers';

const FLAGSHIP = 'scenarios/failed-migration-recovery.yaml';
const STUDY_FILE = 'drain-study.json';
const TARGET_OVER_ENGINE = 10;
const TARGET_JOBS_OVER_RAW = 0.5;
/** The configuration the targets judge: 2 source and 2 destination workers. */
const HEADLINE_PER_ROLE = 2;
const RAW_JOBS = 20_000;

const json = process.argv.includes('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (value: number, decimals: number) => Number(value.toFixed(decimals));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = () => loadavg().map((value) => round(value, 2));

/** The bench's last stdout line with --json. Times are wall-clock milliseconds measured in this run, on this machine. */
interface ServicesBenchResult {
  /** The scenario file users would pass (`drain-study.json`: the study of bench:engine, built in memory). */
  scenario: string;
  /** The engine's wall time for `simulate` (median of `engineRunsMs`). */
  engineMs: number;
  engineRunsMs: number[];
  /** The headline configuration (`headlinePerRole` workers per role): its `wallMs`, ratio, windows, windows/s and jobs per window. */
  headlinePerRole: number;
  servicesMs: number;
  servicesOverEngine: number;
  windows: number;
  windowsPerSec: number;
  jobsPerWindow: number;
  /** Raw BullMQ on the same Redis (addBulk of 1,000, a worker at concurrency 50), before and after the stacks; the mean counts. */
  rawBullmqJobsPerSec: number;
  rawBullmqJobsPerSecRuns: number[];
  /** The headline configuration's jobs/s over raw BullMQ's (secondary target). */
  jobsPerSecOverRaw: number;
  /** One entry per worker count, in the order measured. */
  workers: WorkersResult[];
  /** Every measured services report equals the engine's but for `engine` and `execution`. */
  identical: boolean;
  target: { overEngine: number; jobsPerSecOverRaw: number };
  /** The machine's load average (1, 5, 15 min) when the bench started and when it ended. */
  loadAverage: { start: number[]; end: number[] };
  /** Why `pass` is false (empty when it is true): the reports, and the headline's ratio to the engine. */
  failures: string[];
  /** The secondary target not met, with why (it does not change `pass`). */
  secondaryNotMet: string[];
  pass: boolean;
  /** The headline configuration's measured runs. */
  runs: WorkersResult['runs'];
}

function scenarioUnderTest(): { main: BenchScenario; warmUp: BenchScenario } {
  const file = process.env.BENCH_SCENARIO;
  if (file !== undefined && file !== '') {
    const scenario = shippedScenario(file);
    return { main: scenario, warmUp: scenario };
  }
  return { main: { file: STUDY_FILE, text: `${JSON.stringify(drainStudyDocument(), null, 1)}\n` }, warmUp: shippedScenario(FLAGSHIP) };
}

/** The engine's wall time for the scenario (median of `reps`), and its report without engine and execution. */
function engineRun(scenario: BenchScenario, reps: number): { runsMs: number[]; comparable: string } {
  const loaded = loadScenario(scenario.text, scenario.file);
  const runsMs: number[] = [];
  let comparable = '';
  for (let rep = 0; rep < reps; rep++) {
    const started = performance.now();
    const report = simulate(loaded, { scenarioFile: scenario.file });
    runsMs.push(round(performance.now() - started, 1));
    comparable = withoutRunFields(renderJson(report));
  }
  return { runsMs, comparable };
}

async function main(): Promise<void> {
  const { main: scenario, warmUp } = scenarioUnderTest();
  const study = process.env.BENCH_SCENARIO === undefined || process.env.BENCH_SCENARIO === '';
  const perRoleCounts = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
  const engineReps = Number(process.env.BENCH_REPS ?? 3);
  const servicesRuns = Number(process.env.BENCH_RUNS ?? (study ? 1 : 3));
  const loadStart = load();
  log(`load average ${loadStart.join(', ')} (1, 5, 15 min) at the start`);

  const engine = engineRun(scenario, engineReps);
  const engineMs = median(engine.runsMs);
  log(`engine: ${scenario.file} in ${engineMs} ms (median of ${engine.runsMs.join(', ')})`);

  const redis = await resolveRedis();
  const redisCpu = new RedisCpuProbe(redis.url);
  const workers: WorkersResult[] = [];
  const raw: number[] = [];
  try {
    const rawBefore = await measureRawBullmq({ url: redis.url, jobs: RAW_JOBS });
    raw.push(rawBefore.jobsPerSecond);
    log(`raw BullMQ on the same Redis: ${rawBefore.jobs} jobs, addBulk ${rawBefore.bulkSize}, concurrency ${rawBefore.concurrency}: ${rawBefore.jobsPerSecond} jobs/s`);
    for (const perRole of perRoleCounts) {
      workers.push(await measureWorkers({ perRole, scenario, warmUp, runs: servicesRuns, engineMs, engineComparable: engine.comparable, redisUrl: redis.url, redisCpu, log }));
    }
    const rawAfter = await measureRawBullmq({ url: redis.url, jobs: RAW_JOBS });
    raw.push(rawAfter.jobsPerSecond);
    log(`raw BullMQ on the same Redis, after the stacks: ${rawAfter.jobsPerSecond} jobs/s`);
  } finally {
    redisCpu.close();
    await redis.stop();
  }

  const rawJobsPerSec = round(raw.reduce((sum, value) => sum + value, 0) / raw.length, 0);
  const headline = workers.find((entry) => entry.perRole === HEADLINE_PER_ROLE) ?? workers[0]!;
  const identical = workers.every((entry) => entry.identical);
  const jobsPerSecOverRaw = round(headline.jobsPerSec / rawJobsPerSec, 3);
  const failures: string[] = [];
  if (!identical) failures.push(`reports differ from the engine's with ${workers.filter((entry) => !entry.identical).map((entry) => entry.perRole).join(', ')} worker(s) per role`);
  if (headline.overEngine > TARGET_OVER_ENGINE) failures.push(`services wall ${headline.wallMs} ms with ${headline.perRole} worker(s) per role is ${headline.overEngine}x the engine's ${engineMs} ms (target <= ${TARGET_OVER_ENGINE}x)`);
  const secondaryNotMet =
    jobsPerSecOverRaw >= TARGET_JOBS_OVER_RAW
      ? []
      : [
          `jobs/s ${headline.jobsPerSec} is ${jobsPerSecOverRaw} of raw BullMQ's ${rawJobsPerSec} (target >= ${TARGET_JOBS_OVER_RAW}): a run is a chain of round trips ` +
            `(window open to every shard, each shard's done, the next open), at most ${headline.jobsInFlightMax} jobs in flight, where raw BullMQ keeps 50 in flight and adds 1,000 at a time`,
        ];
  const loadEnd = load();
  const result: ServicesBenchResult = {
    scenario: scenario.file,
    engineMs,
    engineRunsMs: engine.runsMs,
    headlinePerRole: headline.perRole,
    servicesMs: headline.wallMs,
    servicesOverEngine: headline.overEngine,
    windows: headline.windows,
    windowsPerSec: headline.windowsPerSec,
    jobsPerWindow: headline.jobsPerWindow,
    rawBullmqJobsPerSec: rawJobsPerSec,
    rawBullmqJobsPerSecRuns: raw,
    jobsPerSecOverRaw,
    workers,
    identical,
    target: { overEngine: TARGET_OVER_ENGINE, jobsPerSecOverRaw: TARGET_JOBS_OVER_RAW },
    loadAverage: { start: loadStart, end: loadEnd },
    failures,
    secondaryNotMet,
    pass: failures.length === 0,
    runs: headline.runs,
  };

  log('');
  log(`${scenario.file}: engine ${engineMs} ms; services unpaced, per worker count (workers per role):`);
  for (const entry of workers) log(describeWorkers(entry));
  log(`raw BullMQ ${rawJobsPerSec} jobs/s (${raw.join(', ')}); the headline (${headline.perRole} per role) carries ${headline.jobsPerSec} jobs/s: ${jobsPerSecOverRaw} of it (secondary target >= ${TARGET_JOBS_OVER_RAW})`);
  log(`every report equal to the engine's but for engine and execution: ${identical}; load average ${loadEnd.join(', ')} at the end`);
  for (const failure of failures) log(`not met: ${failure}`);
  for (const note of secondaryNotMet) log(`secondary target not met: ${note}`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  if (!result.pass) process.exitCode = 1;
}

function describeWorkers(entry: WorkersResult): string {
  const processes = entry.processes.map((process) => `${process.name} ${process.cpuSeconds} s CPU, ${process.rssMiB ?? '?'} MiB (peak ${process.peakRssMiB ?? '?'})`).join('; ');
  return [
    `  ${entry.perRole} per role: ${entry.wallMs} ms = ${entry.overEngine}x the engine; ${entry.windows} windows, ${entry.windowsPerSec} windows/s; ${entry.jobs} jobs, ${entry.jobsPerSec} jobs/s; identical ${entry.identical}; load ${entry.loadAverage.join(', ')}`,
    `    shards ${entry.shards.map((shard) => `${shard.id} ${shard.hosts}`).join(', ')} hosts`,
    `    ${processes}; redis ${entry.redisCpuSeconds ?? '?'} s CPU`,
  ].join('\n');
}

await main();
