// Throughput of the distributed services against raw BullMQ on the same Redis,
// in the same run: control-plane jobs (host commands, host events) and
// page-batch jobs per second through the real controller, source-host and
// destination-host processes, versus BullMQ addBulk + a worker at concurrency
// 50 (libs/transport measureRawBullmq). The services' jobs and window come
// from BullMQ's own timestamps: the run's jobs added from its epoch on, from
// the first one added to the last one completed (start-up, VM building and
// heartbeats are outside it; so is how soon this script notices the end).
//
// Usage: tsx --conditions=development test/e2e/bench/services.bench.ts [--json]
// With --json the last line is {"migrations":…,"jobsPerSec":…,"rawBullmqJobsPerSec":…,"ratio":…,"pass":…}.
import { completedJobs, encodeIdPart, measureRawBullmq, resolveRedis } from '@migsim/transport';
import { ServicesStack } from '../support/services-stack';

const MIGRATIONS = 8;
/** Simulated seconds per wall second: high, so the queues, not the pacing, set the rate. */
const SPEED = Number(process.env.BENCH_SPEED ?? 100);
const TARGET_RATIO = 0.5;
const json = process.argv.includes('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);

function benchScenario(): string {
  const vms = Array.from({ length: MIGRATIONS }, (_, i) => `  - { name: vm-${i + 1}, host: src-1, memory: 1GiB, vcpus: 1, backing: thp, workload: { pattern: sequential, writeWorkingSet: 256MiB, dirtyRate: 10MB/s } }`);
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

const redis = await resolveRedis();
// A start delay long enough for the source host to build every VM before simulated time 0.
const stack = new ServicesStack({ redisUrl: redis.url, label: 'bench', speed: SPEED, extraEnv: { MIGSIM_START_DELAY_MS: '3000', ...(process.env.MIGSIM_PAGE_CONCURRENCY ? { MIGSIM_PAGE_CONCURRENCY: process.env.MIGSIM_PAGE_CONCURRENCY } : {}) } });
try {
  await stack.start();
  const id = await stack.submit(benchScenario(), 'services-bench.yaml');
  const epochMs = ((await stack.get(`/runs/${id}`)) as { epochMs: number }).epochMs;
  await stack.until(async () => (await stack.run(id)).variants[0]!.migrations.every((migration) => migration.status === 'done'), 120_000, 'every migration to end', 100);
  const run = await stack.run(id);
  // The window is the run's traffic as the queues saw it: from the first job of
  // the run added at or after its epoch (simulated time 0; the VMs were built
  // before it) to the last one completed. Heartbeats and start-up are outside.
  const queues = ['host.src-1.commands', 'host.dst-1.commands', 'migration.pages.dst-1', 'controller.events'];
  const runPrefix = `${encodeIdPart(id)}~`;
  const traffic = (await completedJobs(redis.url, stack.namespace, queues)).filter((job) => job.jobId.startsWith(runPrefix) && job.createdAtMs >= epochMs);
  const firstMs = Math.min(...traffic.map((job) => job.createdAtMs));
  const lastMs = Math.max(...traffic.map((job) => job.finishedAtMs));
  const elapsedMs = Math.max(1, lastMs - firstMs);
  const jobs = traffic.length;
  const pageJobs = traffic.filter((job) => job.queue === 'migration.pages.dst-1').length;
  const pagesCreatedByMs = Math.max(...traffic.filter((job) => job.queue === 'migration.pages.dst-1').map((job) => job.createdAtMs)) - firstMs;
  const services = Math.round((jobs / elapsedMs) * 1000);
  const waitsMs = traffic.filter((job) => job.queue === 'migration.pages.dst-1').map((job) => job.processedAtMs - job.createdAtMs).sort((a, b) => a - b);
  log(`page jobs: wait from added to taken p50 ${waitsMs[Math.floor(waitsMs.length / 2)]} ms, max ${waitsMs.at(-1)} ms`);
  const outcomes = run.variants[0]!.migrations.map((migration) => migration.outcome);
  log(`services: ${MIGRATIONS} migrations (${outcomes.filter((o) => o === 'completed').length} completed) at ${SPEED}x in ${(elapsedMs / 1000).toFixed(3)} s of traffic (first job added at epoch + ${firstMs - epochMs} ms; last page job added at +${pagesCreatedByMs} ms): ${jobs} jobs (${pageJobs} page-stream, ${jobs - pageJobs} control-plane) = ${services} jobs/s`);
  await stack.stop();

  const raw = await measureRawBullmq({ url: redis.url, jobs: 20_000 });
  log(`raw BullMQ: ${raw.jobs} jobs, addBulk ${raw.bulkSize}, concurrency ${raw.concurrency}: ${raw.elapsedMs} ms = ${raw.jobsPerSecond} jobs/s`);
  const ratio = Math.round((services / raw.jobsPerSecond) * 1000) / 1000;
  const result = { migrations: MIGRATIONS, jobsPerSec: services, rawBullmqJobsPerSec: raw.jobsPerSecond, ratio, pass: ratio >= TARGET_RATIO };
  log(`ratio ${ratio} (target >= ${TARGET_RATIO})`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await stack.stop();
  await redis.stop();
}
