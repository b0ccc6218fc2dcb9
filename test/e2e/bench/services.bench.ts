// Throughput of the distributed services against raw BullMQ on the same Redis,
// in the same run: control-plane jobs (host commands, host events) and
// page-batch jobs per second through the real controller, source-host and
// destination-host processes, versus BullMQ addBulk + a worker at concurrency
// 50 (libs/transport measureRawBullmq).
//
// One stack of the three processes serves a warm-up run (not counted: the
// services' code is still being compiled by V8, as in the first minutes of any
// long-running service) and then REPS measured runs of the same scenario. Raw
// BullMQ is measured before each run (the stack idle) and once more after the
// stack stopped; each run is divided by the better of the two raw figures
// measured next to it. That follows the machine's pace through the bench (a
// shared machine drifts), and a slow raw measurement never flatters the
// ratio. The result is the run with the median ratio.
//
// A run's jobs and window come from BullMQ's own timestamps: the run's jobs
// added from its epoch on, from the first one added to the last one completed
// (start-up, VM building and heartbeats are outside it; so is how soon this
// script notices the end). The CPU each process used over that window is
// printed per job, next to what raw BullMQ costs per job.
//
// Usage: tsx --conditions=development test/e2e/bench/services.bench.ts [--json]
// With --json the last line is {"migrations":…,"jobsPerSec":…,"rawBullmqJobsPerSec":…,"ratio":…,"pass":…,"runs":[…],"rawRuns":[…]}.
// Environment: BENCH_REPS (5), BENCH_VM_MEMORY (4GiB), BENCH_SPEED (100), MIGSIM_PAGE_CONCURRENCY,
// MIGSIM_CPU_PROFILE_DIR (each service writes a V8 CPU profile there when it exits).
import { completedJobs, encodeIdPart, measureRawBullmq, RedisCpuProbe, resolveRedis } from '@migsim/transport';
import { CpuSampler, processRssMiB } from '../support/cpu-sampler';
import { ServicesStack } from '../support/services-stack';

const MIGRATIONS = 8;
/**
 * Each VM's memory: 4 GiB makes about 11,000 page-batch jobs and a window of
 * about two seconds, long enough that the run's first and last round trips
 * (start commands, switchover answers, reports) do not set the rate.
 */
const VM_MEMORY = process.env.BENCH_VM_MEMORY ?? '4GiB';
/** Simulated seconds per wall second: high, so the queues, not the pacing, set the rate. */
const SPEED = Number(process.env.BENCH_SPEED ?? 100);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const RAW_JOBS = 20_000;
const TARGET_RATIO = 0.5;
const json = process.argv.includes('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);

function benchScenario(memory: string): string {
  const vms = Array.from({ length: MIGRATIONS }, (_, i) => `  - { name: vm-${i + 1}, host: src-1, memory: ${memory}, vcpus: 1, backing: thp, workload: { pattern: sequential, writeWorkingSet: 256MiB, dirtyRate: 10MB/s } }`);
  const migrations = Array.from({ length: MIGRATIONS }, (_, i) => `  - { id: m${i + 1}, vm: vm-${i + 1}, to: dst-1, at: 1s }`);
  return [
    'name: services-bench',
    'seed: 1',
    'horizon: 900s',
    'policy: { parallelMigrationsPerCluster: 8, parallelOutboundMigrationsPerNode: 8, parallelInboundMigrationsPerNode: 8 }',
    'hosts:',
    '  - { name: src-1, link: 10Gbps, memory: 64GiB, vcpus: 32 }',
    '  - { name: dst-1, link: 10Gbps, memory: 64GiB, vcpus: 32 }',
    'vms:',
    ...vms,
    'migrations:',
    ...migrations,
    '',
  ].join('\n');
}

/** `name 123 µs, …, total 456 µs`: CPU microseconds per job of each process. */
function cpuPerJob(seconds: Record<string, number>, jobs: number): string {
  const parts = Object.entries(seconds).map(([name, used]) => `${name} ${Math.round((used / jobs) * 1e6)} µs`);
  const total = Object.values(seconds).reduce((sum, used) => sum + used, 0);
  return `${parts.join(', ')}; total ${Math.round((total / jobs) * 1e6)} µs`;
}

interface ServicesRun {
  jobs: number;
  elapsedMs: number;
  jobsPerSec: number;
  completed: number;
}

const QUEUES = ['host.src-1.commands', 'host.dst-1.commands', 'migration.pages.dst-1', 'controller.events'];
const PAGE_QUEUE = 'migration.pages.dst-1';

/** One run of the scenario through the stack, to its end (report written); its traffic as the queues saw it. */
async function servicesRun(stack: ServicesStack, sampler: CpuSampler, redisUrl: string, memory: string, label: string): Promise<ServicesRun> {
  const id = await stack.submit(benchScenario(memory), 'services-bench.yaml');
  const epochMs = ((await stack.get(`/runs/${id}`)) as { epochMs: number }).epochMs;
  await stack.until(async () => (await stack.run(id)).variants[0]!.migrations.every((migration) => migration.status === 'done'), 180_000, `${label}: every migration to end`, 100);
  const run = await stack.run(id);
  // From the first job of the run added at or after its epoch (simulated time
  // 0; the VMs were built before it) to the last one completed when the last
  // migration ended (the VMs' reports at the horizon come later, outside).
  const runPrefix = `${encodeIdPart(id)}~`;
  const traffic = (await completedJobs(redisUrl, stack.namespace, QUEUES)).filter((job) => job.jobId.startsWith(runPrefix) && job.createdAtMs >= epochMs);
  // The next run starts on a quiet stack: this one ends at its horizon (9 s of wall time at 100x).
  await stack.until(async () => (await stack.run(id)).status !== 'running', 180_000, `${label}: the run to end`, 100);
  const ended = await stack.run(id);
  if (ended.status !== 'completed') throw new Error(`${label}: run ${id} ${ended.status}: ${ended.error}`);
  const firstMs = Math.min(...traffic.map((job) => job.createdAtMs));
  const lastMs = Math.max(...traffic.map((job) => job.finishedAtMs));
  const elapsedMs = Math.max(1, lastMs - firstMs);
  const pageTraffic = traffic.filter((job) => job.queue === PAGE_QUEUE);
  const pagesAddedByMs = Math.max(...pageTraffic.map((job) => job.createdAtMs)) - firstMs;
  const pagesDoneByMs = Math.max(...pageTraffic.map((job) => job.finishedAtMs)) - firstMs;
  const waitsMs = pageTraffic.map((job) => job.processedAtMs - job.createdAtMs).sort((a, b) => a - b);
  const jobsPerSec = Math.round((traffic.length / elapsedMs) * 1000);
  const completed = run.variants[0]!.migrations.filter((migration) => migration.outcome === 'completed').length;
  log(
    `${label}: ${MIGRATIONS} migrations of ${memory} VMs (${completed} completed) at ${SPEED}x, ${(elapsedMs / 1000).toFixed(3)} s of traffic ` +
      `(first job at epoch + ${firstMs - epochMs} ms; last page job added at +${pagesAddedByMs} ms, done at +${pagesDoneByMs} ms): ` +
      `${traffic.length} jobs (${pageTraffic.length} page-stream, ${traffic.length - pageTraffic.length} control-plane) = ${jobsPerSec} jobs/s; ` +
      `page jobs waited p50 ${waitsMs[Math.floor(waitsMs.length / 2)]} ms, max ${waitsMs.at(-1)} ms`,
  );
  log(`${label}: CPU per job over the window: ${cpuPerJob(sampler.usedBetween(firstMs, lastMs), traffic.length)}`);
  log(`${label}: resident memory after the run: ${(['controller', 'source', 'destination'] as const).map((name) => `${name} ${processRssMiB(stack[name].pid) ?? '?'} MiB`).join(', ')}`);
  return { jobs: traffic.length, elapsedMs, jobsPerSec, completed };
}

/** Raw BullMQ on the same Redis (libs/transport measureRawBullmq): jobs per second. */
async function rawBullmq(label: string): Promise<number> {
  const redisBefore = await redisCpu.cpuSeconds();
  const raw = await measureRawBullmq({ url: redis.url, jobs: RAW_JOBS });
  const redisSeconds = (await redisCpu.cpuSeconds()) - redisBefore;
  log(`${label}: ${raw.jobs} jobs, addBulk ${raw.bulkSize}, concurrency ${raw.concurrency}: ${raw.elapsedMs} ms = ${raw.jobsPerSecond} jobs/s; CPU per job: ${cpuPerJob({ 'producer+worker': raw.cpuMs / 1000, redis: redisSeconds }, raw.jobs)}`);
  return raw.jobsPerSecond;
}

const redis = await resolveRedis();
const redisCpu = new RedisCpuProbe(redis.url);
// A start delay long enough for the source host to build every VM before simulated time 0.
const stack = new ServicesStack({
  redisUrl: redis.url,
  label: 'bench',
  speed: SPEED,
  extraEnv: { MIGSIM_START_DELAY_MS: '3000', ...(process.env.MIGSIM_PAGE_CONCURRENCY ? { MIGSIM_PAGE_CONCURRENCY: process.env.MIGSIM_PAGE_CONCURRENCY } : {}) },
});
try {
  await stack.start();
  const sampler = new CpuSampler({ controller: stack.controller.pid, source: stack.source.pid, destination: stack.destination.pid }, redisCpu);
  sampler.start();
  await servicesRun(stack, sampler, redis.url, VM_MEMORY, 'warm-up (not counted)');
  const runs: number[] = [];
  // raws[i] is measured right before run i + 1; the last one once the services stopped.
  const raws: number[] = [];
  for (let rep = 1; rep <= REPS; rep++) {
    raws.push(await rawBullmq(`raw, before run ${rep}/${REPS}`));
    const services = await servicesRun(stack, sampler, redis.url, VM_MEMORY, `run ${rep}/${REPS}`);
    if (services.completed !== MIGRATIONS) throw new Error(`run ${rep}/${REPS}: ${services.completed} of ${MIGRATIONS} migrations completed`);
    runs.push(services.jobsPerSec);
  }
  await sampler.stop();
  await stack.stop();
  raws.push(await rawBullmq('raw, after the services stopped'));
  // Each run against the better of the raw figures measured right before and right after it: the machine's
  // pace of that moment, and a slow raw measurement never flatters the ratio.
  const baselines = runs.map((_, index) => Math.max(raws[index]!, raws[index + 1]!));
  const ratios = runs.map((jobsPerSec, index) => Math.round((jobsPerSec / baselines[index]!) * 1000) / 1000);
  const medianIndex = ratios.indexOf([...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!);
  const result = {
    migrations: MIGRATIONS,
    vmMemory: VM_MEMORY,
    jobsPerSec: runs[medianIndex]!,
    rawBullmqJobsPerSec: baselines[medianIndex]!,
    ratio: ratios[medianIndex]!,
    pass: ratios[medianIndex]! >= TARGET_RATIO,
    runs: runs.map((jobsPerSec, index) => ({ jobsPerSec, rawBullmqJobsPerSec: baselines[index]!, ratio: ratios[index]! })),
    rawRuns: raws,
  };
  log(`ratios ${ratios.join(', ')} (each run against the better raw figure next to it): median ${result.ratio} (target >= ${TARGET_RATIO})`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await stack.stop();
  redisCpu.close();
  await redis.stop();
}
