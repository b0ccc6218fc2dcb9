// The sweep benchmark: 200 seeds x 2 variants of scenarios/chaos-policies.yaml
// through `migsim sweep`, with 1 worker thread and with every core, on this
// machine, in this run.
//
//   npx tsx --conditions=development apps/cli/bench/sweep.bench.ts [--json] [--seeds 1..200]
//
// What it measures, in this order:
// 1. `migsim simulate` as a user's script calls it, once per run: for 5 seeds
//    x the 2 variants, a fresh process each (`--seed S --variant V`), and the
//    start-up of the same command line without simulating (`migsim validate`
//    of the same file, which loads the same modules). A run's cost "in
//    process" is the first minus the second.
// 2. The sweep with `--workers 1`, then with `--workers <cores>`: the runs/s
//    each prints (from the first run dispatched to the last result, the
//    threads' start-up included), and its process's wall time.
// 3. The scaling efficiency: runs/s with every core / (cores x runs/s with 1).
//    Target: >= 0.8. The two summaries must be byte-identical. Also the CPU
//    each spent per run (the process's, threads included): their ratio says
//    whether more threads cost more work, whatever else runs on the machine.
// 4. A run's cost inside the sweep (1 worker: its wall time / runs) against a
//    run's cost in `migsim simulate` minus the start-up. Target: not more.
// The last stdout line is JSON (`SweepBenchResult`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'apps', 'cli', 'bin', 'migsim.mjs');
const SCENARIO = 'scenarios/chaos-policies.yaml';
const VARIANTS = ['kubevirt-default', 'auto-converge'];
const SIMULATE_SEEDS = [1, 2, 3, 4, 5];
const TARGET_EFFICIENCY = 0.8;

interface SweepRun {
  workers: number;
  runs: number;
  /** The runs/s the sweep printed: runs over the time from the first dispatch to the last result. */
  runsPerSec: number;
  /** The sweep's own measure of that time (s). */
  sweepS: number;
  /** The whole process, Node's start-up and the planning included (s). */
  processS: number;
  /** CPU the sweep's process (its threads included) spent on the runs, per run (ms). */
  cpuPerRunMs: number;
  /** Load average (1 min) when this sweep ended. */
  loadAverage: number;
}

interface SweepBenchResult {
  scenario: string;
  variants: string[];
  seeds: string;
  cores: number;
  loadAverageBefore: number;
  loadAverageAfter: number;
  simulate: {
    /** Mean wall time of one `migsim simulate --seed S --variant V` process (ms). */
    processMs: number;
    /** Mean wall time of `migsim validate` of the same file: the command line's start-up (ms). */
    startupMs: number;
    /** processMs - startupMs: what a run costs a script beyond Node's start-up (ms). */
    runMs: number;
    samples: number;
  };
  oneWorker: SweepRun;
  allCores: SweepRun;
  scalingEfficiency: number;
  /**
   * CPU per run with 1 worker / CPU per run with every core: near 1 when the
   * threads add no work of their own. On a machine other processes keep busy,
   * wall-clock scaling measures them too; this does not.
   */
  cpuEfficiency: number;
  /** A run's cost inside the 1-worker sweep: its wall time / runs (ms). */
  sweepRunMs: number;
  summariesIdentical: boolean;
  targets: { scalingEfficiency: number; sweepRunMsAtMost: number };
  pass: boolean;
}

function timed(args: string[]): { ms: number; status: number | null; stdout: string; stderr: string } {
  const start = performance.now();
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { ms: performance.now() - start, status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function sweep(seeds: string, workers: number, out: string): SweepRun {
  const run = timed(['sweep', SCENARIO, '--seeds', seeds, '--variants', VARIANTS.join(','), '--workers', String(workers), '--out', out]);
  if (run.status !== 0 && run.status !== 1) throw new Error(`migsim sweep --workers ${workers} exited ${run.status}: ${run.stderr}`);
  const match = /\n(\d+) runs in ([\d.]+) s \(([\d.]+) runs\/s, ([\d.]+) CPU s here\)/.exec(run.stdout);
  if (match === null) throw new Error(`migsim sweep printed no timing line:\n${run.stdout}`);
  const runs = Number(match[1]);
  return {
    workers,
    runs,
    runsPerSec: Number(match[3]),
    sweepS: Number(match[2]),
    processS: Math.round(run.ms) / 1000,
    cpuPerRunMs: Math.round((Number(match[4]) * 1000 * 10) / runs) / 10,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function main(): void {
  const json = process.argv.includes('--json');
  const seedsIndex = process.argv.indexOf('--seeds');
  const seeds = seedsIndex >= 0 ? process.argv[seedsIndex + 1]! : '1..200';
  const cores = availableParallelism();
  const work = mkdtempSync(join(tmpdir(), 'migsim-sweep-bench-'));
  const loadBefore = loadavg()[0]!;
  try {
    const log = (line: string) => process.stdout.write(`${line}\n`);
    log(`bench sweep: ${SCENARIO}, variants ${VARIANTS.join(', ')}, seeds ${seeds}, ${cores} cores, load average ${loadBefore.toFixed(2)}`);

    const processMs: number[] = [];
    const startupMs: number[] = [];
    for (const seed of SIMULATE_SEEDS) {
      for (const variant of VARIANTS) {
        const run = timed(['simulate', SCENARIO, '--seed', String(seed), '--variant', variant, '--format', 'json']);
        if (run.status !== 0 && run.status !== 1) throw new Error(`migsim simulate exited ${run.status}: ${run.stderr}`);
        processMs.push(run.ms);
      }
      const validate = timed(['validate', SCENARIO]);
      if (validate.status !== 0) throw new Error(`migsim validate exited ${validate.status}: ${validate.stderr}`);
      startupMs.push(validate.ms);
    }
    const simulate = { processMs: mean(processMs), startupMs: mean(startupMs), runMs: mean(processMs) - mean(startupMs), samples: processMs.length };
    log(`migsim simulate, one process per run: ${simulate.processMs.toFixed(0)} ms (start-up ${simulate.startupMs.toFixed(0)} ms, so ${simulate.runMs.toFixed(0)} ms a run), ${simulate.samples} runs`);

    const oneWorker = sweep(seeds, 1, join(work, 'one'));
    log(`migsim sweep --workers 1: ${oneWorker.runs} runs, ${oneWorker.runsPerSec} runs/s (${oneWorker.sweepS} s; process ${oneWorker.processS} s; ${oneWorker.cpuPerRunMs} ms CPU a run; load ${oneWorker.loadAverage})`);
    const allCores = sweep(seeds, cores, join(work, 'all'));
    log(`migsim sweep --workers ${cores}: ${allCores.runs} runs, ${allCores.runsPerSec} runs/s (${allCores.sweepS} s; process ${allCores.processS} s; ${allCores.cpuPerRunMs} ms CPU a run; load ${allCores.loadAverage})`);

    const scalingEfficiency = Math.round((allCores.runsPerSec / (cores * oneWorker.runsPerSec)) * 1000) / 1000;
    const cpuEfficiency = Math.round((oneWorker.cpuPerRunMs / allCores.cpuPerRunMs) * 1000) / 1000;
    const sweepRunMs = Math.round(((oneWorker.sweepS * 1000) / oneWorker.runs) * 10) / 10;
    const summariesIdentical = readFileSync(join(work, 'one', 'summary.json'), 'utf8') === readFileSync(join(work, 'all', 'summary.json'), 'utf8');
    const targets = { scalingEfficiency: TARGET_EFFICIENCY, sweepRunMsAtMost: Math.round(simulate.runMs * 10) / 10 };
    const pass = scalingEfficiency >= TARGET_EFFICIENCY && sweepRunMs <= targets.sweepRunMsAtMost && summariesIdentical;
    log(`scaling efficiency ${scalingEfficiency} (target >= ${TARGET_EFFICIENCY}); a run inside the sweep ${sweepRunMs} ms vs ${targets.sweepRunMsAtMost} ms in migsim simulate beyond start-up; summaries ${summariesIdentical ? 'identical' : 'DIFFER'}`);
    const result: SweepBenchResult = {
      scenario: SCENARIO,
      variants: VARIANTS,
      seeds,
      cores,
      loadAverageBefore: Math.round(loadBefore * 100) / 100,
      loadAverageAfter: Math.round(loadavg()[0]! * 100) / 100,
      simulate: { processMs: Math.round(simulate.processMs), startupMs: Math.round(simulate.startupMs), runMs: Math.round(simulate.runMs), samples: simulate.samples },
      oneWorker,
      allCores,
      scalingEfficiency,
      cpuEfficiency,
      sweepRunMs,
      summariesIdentical,
      targets,
      pass,
    };
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
