// The load-study benchmark: a drain of 200 hosts out of 2,000 in 50 racks
// (20,000 VMs of 2-16 GiB, 2,000 page-accurate migrations under per-node and
// cluster caps) run by migsim's engine and by SimGrid's VM live-migration
// plugin in its strongest configuration (only the migrating VMs created,
// the same racks, links, caps, admission order and moves), in this run, on
// this machine; and the same study ten times smaller (200 hosts in 5 racks,
// 20 drained, 200 migrations) to see how the wall time grows.
//
//   npm run bench:study            (or: npx tsx --conditions=development libs/sim/bench/study.bench.ts [--json] [--small-only])
// (each migsim child gets the CLI's node flags: a 128 MiB young generation)
//
// Each migsim run is a child process of its own (run-migsim.ts), so its peak
// resident set is its own; SimGrid runs three times per size (median wall),
// before migsim. The scenario is the one a user would write (study/study-
// document.ts: counts, racks by size, memory and rates drawn from the seed,
// one drain over a host set); SimGrid gets the VMs as migsim drew them and
// the moves of migsim's drain rule. The last stdout line is JSON
// (`StudyBenchResult` below).
import { parseScenarioObject } from '@migsim/scenario';
import { fileURLToPath } from 'node:url';
import { runProcess } from './simgrid/simgrid-build';
import { runSimgridStudy, type SimgridStudyResult } from './simgrid/simgrid-peer';
import { simgridStudyOf } from './study/simgrid-study';
import { STUDY_SHAPES, studyDocument, type StudySize } from './study/study-document';
import type { WorldRunStats } from '../src/index';

const TARGET_RATIO = 2;
const TARGET_RSS_MIB = 2048;
/** Wall time may grow at most in proportion to the study (10x the hosts, VMs and migrations). */
const TARGET_GROWTH = 1;
const SIMGRID_RUNS = 3;
const RUNNER = fileURLToPath(new URL('./study/run-migsim.ts', import.meta.url));

interface MigsimRun {
  size: StudySize;
  loadMs: number;
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
  migrations: number;
  completed: number;
  makespanS: number;
  totalTimeS: { p50: number; max: number; mean: number };
  failedChecks: string[];
  engine: WorldRunStats;
  moves: string[];
}

interface SizeResult {
  hosts: number;
  racks: number;
  vms: number;
  migrations: number;
  migsim: {
    /** Wall time of `simulate(scenario)`: building the cluster, running it, the report (loading the scenario not counted: `loadMs`). */
    wallMs: number;
    /** CPU time (user + system, every thread) of `simulate`: less sensitive than wall time to what else the machine runs. */
    cpuMs: number;
    loadMs: number;
    /** Peak resident set of the migsim process (`ru_maxrss`: the kernel's peak, not a sample). */
    rssMiB: number;
    makespanS: number;
    meanMigrationS: number;
    completed: number;
    failedChecks: string[];
    /** The engine's work (`simulate`'s `onStats`): actor steps, windows, messages and how many were page batches (lazy). */
    engine: WorldRunStats;
  };
  simgrid: {
    version: string;
    /** Median of `wallMsRuns` (each SimGrid process: start-up, study file, platform and simulation; the compile is cached). */
    wallMs: number;
    wallMsRuns: number[];
    /** CPU time of the run whose wall time is the median (user + system, from /usr/bin/time). */
    cpuMs: number | null;
    rssMiB: number;
    makespanS: number;
    meanMigrationS: number;
    migrations: number;
  };
  /** migsim wallMs / SimGrid wallMs: what the target judges. */
  ratio: number;
  /** migsim cpuMs / SimGrid cpuMs. */
  cpuRatio: number | null;
  /** migsim and SimGrid drained the same VMs to the same hosts. */
  sameMoves: boolean;
  /** (migsim makespan - SimGrid makespan) / SimGrid makespan. */
  makespanDelta: number;
}

interface StudyBenchResult {
  small: SizeResult;
  large?: SizeResult;
  /** Wall time large / small over the growth of the study (10x): 1 is linear (the target judges migsim's); the same for CPU time. */
  growth?: { migsim: number; simgrid: number; migsimCpu: number; simgridCpu: number | null };
  targets: { ratio: number; rssMiB: number; growth: number };
  failures: string[];
  pass: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

async function runMigsim(size: StudySize): Promise<MigsimRun> {
  // The flags the migsim CLI starts node with (apps/cli/bin/migsim.mjs): a 128 MiB young generation.
  const result = await runProcess(process.execPath, ['--max-semi-space-size=128', '--import', 'tsx', '--conditions=development', RUNNER, size]);
  if (result.exitCode !== 0) throw new Error(`migsim ${size} study failed (exit ${result.exitCode}):\n${result.stderr.trim()}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as MigsimRun;
}

async function measure(size: StudySize): Promise<SizeResult> {
  const scenario = parseScenarioObject(studyDocument(size), `bench-study-${size}`);
  const study = simgridStudyOf(size, scenario);
  const simgridRuns: SimgridStudyResult[] = [];
  for (let run = 0; run < SIMGRID_RUNS; run++) simgridRuns.push(await runSimgridStudy(study));
  const migsim = await runMigsim(size);
  const simgridWallMs = median(simgridRuns.map((run) => run.wallMs));
  const medianRun = simgridRuns.find((run) => run.wallMs === simgridWallMs) ?? simgridRuns[0]!;
  const expectedMoves = study.migrations.map((migration) => `${migration.vm}>${migration.to}`).sort();
  const first = simgridRuns[0]!;
  const shape = STUDY_SHAPES[size];
  return {
    hosts: shape.hosts,
    racks: Math.ceil(shape.hosts / shape.rackSize),
    vms: shape.hosts * shape.vmsPerHost,
    migrations: migsim.migrations,
    migsim: {
      wallMs: round(migsim.wallMs, 1),
      cpuMs: round(migsim.cpuMs, 1),
      loadMs: round(migsim.loadMs, 1),
      rssMiB: round(migsim.rssMiB, 1),
      makespanS: round(migsim.makespanS, 3),
      meanMigrationS: round(migsim.totalTimeS.mean, 3),
      completed: migsim.completed,
      failedChecks: migsim.failedChecks,
      engine: migsim.engine,
    },
    simgrid: {
      version: first.simgridVersion,
      wallMs: round(simgridWallMs, 1),
      wallMsRuns: simgridRuns.map((run) => round(run.wallMs, 1)),
      cpuMs: medianRun.cpuMs === null ? null : round(medianRun.cpuMs, 1),
      rssMiB: round(Math.max(...simgridRuns.map((run) => run.rssMiB)), 1),
      makespanS: round(first.simulatedMakespanS, 3),
      meanMigrationS: round(first.perMigration.meanS, 3),
      migrations: first.migrations,
    },
    ratio: round(migsim.wallMs / simgridWallMs, 3),
    cpuRatio: medianRun.cpuMs === null || medianRun.cpuMs === 0 ? null : round(migsim.cpuMs / medianRun.cpuMs, 3),
    sameMoves: JSON.stringify([...migsim.moves].sort()) === JSON.stringify(expectedMoves),
    makespanDelta: round((migsim.makespanS - first.simulatedMakespanS) / first.simulatedMakespanS, 5),
  };
}

function describe(name: string, result: SizeResult): string {
  const { migsim, simgrid } = result;
  return [
    `${name}: ${result.hosts} hosts in ${result.racks} racks, ${result.vms} VMs, ${result.migrations} migrations`,
    `  migsim: ${migsim.wallMs} ms wall, ${migsim.cpuMs} ms CPU (scenario loaded in ${migsim.loadMs} ms), peak RSS ${migsim.rssMiB} MiB, makespan ${migsim.makespanS} s, ${migsim.completed} completed, mean migration ${migsim.meanMigrationS} s`,
    `  migsim engine: ${migsim.engine.steps} steps, ${migsim.engine.windows} windows (${migsim.engine.boundReads} output bounds read), ${migsim.engine.messages} messages (${migsim.engine.messages - migsim.engine.lazyMessages} counted, ${migsim.engine.lazyMessages} page batches)`,
    `  SimGrid ${simgrid.version} (only migrating VMs): ${simgrid.wallMs} ms wall (median of ${simgrid.wallMsRuns.join(', ')}), ${simgrid.cpuMs ?? '?'} ms CPU, peak RSS ${simgrid.rssMiB} MiB, makespan ${simgrid.makespanS} s, mean migration ${simgrid.meanMigrationS} s`,
    `  ratio migsim / SimGrid ${result.ratio} (CPU ${result.cpuRatio ?? '?'}); makespans ${(result.makespanDelta * 100).toFixed(3)} % apart; same moves: ${result.sameMoves}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const smallOnly = process.argv.includes('--small-only');
  const small = await measure('small');
  if (!json) console.log(describe('small study', small));
  const large = smallOnly ? undefined : await measure('large');
  if (large !== undefined && !json) console.log(describe('large study', large));
  const growth =
    large === undefined
      ? undefined
      : {
          migsim: round(large.migsim.wallMs / small.migsim.wallMs / 10, 3),
          simgrid: round(large.simgrid.wallMs / small.simgrid.wallMs / 10, 3),
          migsimCpu: round(large.migsim.cpuMs / small.migsim.cpuMs / 10, 3),
          simgridCpu: large.simgrid.cpuMs === null || !small.simgrid.cpuMs ? null : round(large.simgrid.cpuMs / small.simgrid.cpuMs / 10, 3),
        };
  const failures: string[] = [];
  for (const result of [small, large]) {
    if (result === undefined) continue;
    const name = `${result.hosts}-host study`;
    if (result.migsim.completed !== result.migrations) failures.push(`${name}: migsim completed ${result.migsim.completed} of ${result.migrations}`);
    if (result.simgrid.migrations !== result.migrations) failures.push(`${name}: SimGrid ran ${result.simgrid.migrations} of ${result.migrations}`);
    if (result.migsim.failedChecks.length > 0) failures.push(`${name}: migsim checks failed: ${result.migsim.failedChecks.join('; ')}`);
    if (!result.sameMoves) failures.push(`${name}: migsim and SimGrid moved different VMs or to different hosts`);
  }
  if (large !== undefined) {
    if (large.ratio > TARGET_RATIO) failures.push(`large study: ratio to SimGrid ${large.ratio} > ${TARGET_RATIO}`);
    if (large.migsim.rssMiB > TARGET_RSS_MIB) failures.push(`large study: migsim peak RSS ${large.migsim.rssMiB} MiB > ${TARGET_RSS_MIB} MiB`);
    if (growth!.migsim > TARGET_GROWTH) failures.push(`migsim wall grew ${growth!.migsim}x linearly from the small study to the large one (target <= ${TARGET_GROWTH})`);
  } else {
    failures.push('the large study was not run (--small-only)');
  }
  const line: StudyBenchResult = {
    small,
    ...(large === undefined ? {} : { large, growth }),
    targets: { ratio: TARGET_RATIO, rssMiB: TARGET_RSS_MIB, growth: TARGET_GROWTH },
    failures,
    pass: failures.length === 0,
  };
  if (!json) {
    if (growth !== undefined) {
      console.log(`growth, small -> large (10x the study): migsim ${growth.migsim}x linear, SimGrid ${growth.simgrid}x linear (target for migsim <= ${TARGET_GROWTH})`);
      console.log(`  in CPU time: migsim ${growth.migsimCpu}x linear, SimGrid ${growth.simgridCpu ?? '?'}x linear`);
    }
    for (const failure of failures) console.log(`not met: ${failure}`);
  }
  console.log(JSON.stringify(line));
  if (!line.pass) process.exitCode = 1;
}

await main();
