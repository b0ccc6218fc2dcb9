/**
 * libs/transport benchmark: raw BullMQ throughput on this machine — addBulk
 * of empty jobs and one Worker at concurrency 50 in the same process — the
 * ceiling the services' own message rates are compared with (DESIGN.md
 * section 8: compare within one process and one minute, never across machines).
 *
 *   npx tsx --conditions=development libs/transport/bench/raw-bullmq.bench.ts [--jobs N] [--concurrency N] [--reps N] [--json]
 *
 * Redis comes from resolveRedis(): REDIS_URL when set, else a private
 * redis-server. Human lines on stderr; the last stdout line is one JSON object.
 */
import {
  BullmqQueuePort,
  checks,
  CodecRegistry,
  defineCodec,
  measureRawBullmq,
  purgeNamespace,
  resolveRedis,
  type Envelope,
  type RawBullmqMeasurement,
} from '../src/index';

interface TickV1 extends Envelope<'bench.tick', 1> {
  readonly n: number;
}
const tickCodec = defineCodec<TickV1>('bench.tick', 1, { n: checks.integer(0) });

/**
 * The same traffic through BullmqQueuePort (codec checks on both sides,
 * retries, idempotency window, dead-letter plumbing): what the port costs
 * over raw BullMQ, measured right after the raw runs.
 */
async function measurePort(url: string, jobs: number, concurrency: number): Promise<{ elapsedMs: number; jobsPerSecond: number }> {
  const namespace = `bench-port-${process.pid}-${Date.now()}`;
  const port = new BullmqQueuePort({ url, namespace, codecs: CodecRegistry.empty().register(tickCodec) });
  try {
    let handled = 0;
    let doneAtMs = 0;
    const allDone = new Promise<void>((resolveDone) => {
      void port.consume(
        'bench.port',
        async () => {
          handled++;
          if (handled === jobs) {
            doneAtMs = performance.now();
            resolveDone();
          }
        },
        { concurrency },
      );
    });
    await new Promise((wake) => setTimeout(wake, 200));
    const startedAtMs = performance.now();
    for (let first = 0; first < jobs; first += 1_000) {
      const count = Math.min(1_000, jobs - first);
      await port.sendBulk(
        'bench.port',
        Array.from({ length: count }, (_, k) => ({ message: { v: 1, type: 'bench.tick', n: first + k } as TickV1, jobId: `tick~${first + k}` })),
      );
    }
    await allDone;
    const elapsedMs = doneAtMs - startedAtMs;
    return { elapsedMs: Math.round(elapsedMs), jobsPerSecond: Math.round((jobs / elapsedMs) * 1000) };
  } finally {
    await port.close();
    await purgeNamespace(url, namespace);
  }
}

interface Args {
  jobs: number;
  concurrency: number;
  reps: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { jobs: 20_000, concurrency: 50, reps: 3 };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--jobs') args.jobs = Number(argv[++k]);
    else if (arg === '--concurrency') args.concurrency = Number(argv[++k]);
    else if (arg === '--reps') args.reps = Number(argv[++k]);
    else if (arg === '--json' || arg === '--') continue;
    else throw new Error(`unknown argument ${arg} (expected --jobs N, --concurrency N, --reps N, --json)`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const redis = await resolveRedis({ env: process.env });
const runs: RawBullmqMeasurement[] = [];
let portRun = { elapsedMs: 0, jobsPerSecond: 0 };
try {
  // One short warm-up run: script loading and connection setup are not throughput.
  await measureRawBullmq({ url: redis.url, jobs: 1_000, concurrency: args.concurrency });
  for (let rep = 0; rep < args.reps; rep++) {
    const run = await measureRawBullmq({ url: redis.url, jobs: args.jobs, concurrency: args.concurrency });
    runs.push(run);
    process.stderr.write(`raw-bullmq rep ${rep + 1}/${args.reps}: ${run.jobs} jobs in ${run.elapsedMs} ms = ${run.jobsPerSecond} jobs/s (addBulk ${run.addMs} ms)\n`);
  }
  portRun = await measurePort(redis.url, args.jobs, args.concurrency);
  process.stderr.write(`BullmqQueuePort: ${args.jobs} jobs in ${portRun.elapsedMs} ms = ${portRun.jobsPerSecond} jobs/s\n`);
} finally {
  await redis.stop();
}
const rates = runs.map((run) => run.jobsPerSecond).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)] ?? 0;
console.log(
  JSON.stringify({
    bench: 'raw-bullmq',
    redis: redis.source,
    jobs: args.jobs,
    concurrency: args.concurrency,
    reps: args.reps,
    jobsPerSecondMedian: median,
    jobsPerSecondMin: rates[0] ?? 0,
    jobsPerSecondMax: rates.at(-1) ?? 0,
    portJobsPerSecond: portRun.jobsPerSecond,
    runs,
  }),
);
