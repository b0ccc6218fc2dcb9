// Throughput of the distributed services against raw BullMQ on the same Redis,
// in the same run: control-plane jobs (host commands, host events) and
// page-batch jobs per second through the real controller, source-host and
// destination-host processes, versus BullMQ addBulk + a worker at concurrency
// 50 (libs/transport measureRawBullmq).
//
// Usage: tsx --conditions=development test/e2e/bench/services.bench.ts [--json]
// With --json the last line is {"migrations":…,"jobsPerSec":…,"rawBullmqJobsPerSec":…,"ratio":…,"pass":…}.
import { connect } from 'node:net';
import { measureRawBullmq, resolveRedis } from '@migsim/transport';
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

/** ZCARD over one connection (the completed set of each queue: kept for the idempotency window). */
async function completedJobs(url: string, prefix: string, queues: string[]): Promise<number> {
  const target = new URL(url);
  const socket = connect({ host: target.hostname, port: Number(target.port || 6379) });
  await new Promise<void>((done, fail) => socket.once('connect', done).once('error', fail));
  let total = 0;
  for (const queue of queues) {
    const key = `${prefix}:${queue}:completed`;
    socket.write(`*2\r\n$5\r\nZCARD\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n`);
    const reply = await new Promise<string>((done) => socket.once('data', (chunk) => done(chunk.toString())));
    total += Number(reply.slice(1).trim());
  }
  socket.destroy();
  return total;
}

const redis = await resolveRedis();
// A start delay long enough for the source host to build every VM before simulated time 0.
const stack = new ServicesStack({ redisUrl: redis.url, label: 'bench', speed: SPEED, extraEnv: { MIGSIM_START_DELAY_MS: '3000', MIGSIM_PAGE_CONCURRENCY: process.env.MIGSIM_PAGE_CONCURRENCY ?? '16' } });
try {
  await stack.start();
  const id = await stack.submit(benchScenario(), 'services-bench.yaml');
  // The window opens at the run's epoch (simulated time 0, after the controller's start delay).
  const startedMs = ((await stack.get(`/runs/${id}`)) as { epochMs: number }).epochMs;
  // Wait for the migrations, not the horizon: the throughput window is the traffic itself.
  await stack.until(async () => (await stack.run(id)).variants[0]!.migrations.every((migration) => migration.status === 'done'), 120_000, 'every migration to end', 10);
  const elapsedMs = Date.now() - startedMs;
  const run = await stack.run(id);
  const layout = { prefix: `{migsim:${stack.namespace}}` };
  const queues = ['host.src-1.commands', 'host.dst-1.commands', 'migration.pages.dst-1', 'controller.events'];
  const jobs = await completedJobs(redis.url, layout.prefix, queues);
  const pageJobs = await completedJobs(redis.url, layout.prefix, ['migration.pages.dst-1']);
  const services = Math.round((jobs / elapsedMs) * 1000);
  const outcomes = run.variants[0]!.migrations.map((migration) => migration.outcome);
  log(`services: ${MIGRATIONS} migrations (${outcomes.filter((o) => o === 'completed').length} completed) at ${SPEED}x in ${(elapsedMs / 1000).toFixed(2)} s wall: ${jobs} jobs (${pageJobs} page-stream, ${jobs - pageJobs} control-plane) = ${services} jobs/s`);
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
