// The engine benchmark: one evacuation study run by migsim's deterministic
// engine and by SimGrid's VM live-migration plugin, on this machine, in this
// run.
//
//   npm run bench:engine   (or: node --max-semi-space-size=128 --import tsx --conditions=development libs/sim/bench/engine.bench.ts [--json]: the CLI's young generation)
//
// Study: 200 hosts (10 Gbps NICs, 50 us access links), 2,000 VMs of 2-16 GiB (whole GiB, uniform),
// 1-4 vCPUs, each writing 1-20 MB/s sequentially over 90 % of its memory (all
// drawn from seed 20240601); hosts 0, 10, ..., 190 are drained at t = 0, at most
// 2 outbound migrations per host, 125 MB/s per migration, until every
// migration has ended. migsim runs it page-accurately (MMU model, dirty
// bitmaps, QEMU's pre-copy state machine); SimGrid runs the same VMs and the
// same moves (the drain rule of @migsim/orchestration, computed here) with its
// fluid model, twice: with every VM created (`allVms`) and with only the VMs
// that migrate (`migratingVms`, its strongest configuration: migsim does not
// model a VM nothing touches either), three runs of each, interleaved, before
// migsim runs; a configuration's median wall time counts. Every run must give
// the same makespan; `pass` judges the ratio to the faster configuration. The
// last stdout line is JSON, described field by field by `EngineBenchResult`
// below. The study is built by `drainStudyDocument` (src/drain-study.ts),
// which bench:services runs through the services too.
import { planDrain } from '@migsim/orchestration';
import { parseScenarioObject } from '@migsim/scenario';
import { simulate } from '../src/index';
import { buildDrainStudy, DRAIN_STUDY, drainStudyDocument, type DrainStudy } from '../src/testing';
import { runSimgridStudy, type SimgridStudy, type SimgridStudyResult } from './simgrid/simgrid-peer';

const HOSTS = DRAIN_STUDY.hosts;
const GIB = 2 ** 30;
const MB = 1e6;
const TARGET_RATIO = 2;
const TARGET_RSS_MIB = 1024;
/**
 * Runs of each SimGrid configuration per bench, interleaved; the median wall
 * time counts. A faster configuration takes ~150 ms, so one scheduling hiccup
 * of the shared machine would otherwise move the ratio by half.
 */
const SIMGRID_RUNS = 3;

/** The same moves for SimGrid: the drain rule of @migsim/orchestration over the same hosts and VMs. */
function simgridStudy(study: DrainStudy): SimgridStudy {
  const moves = planDrain(
    study.drained,
    study.hosts.map((name) => ({ name, memoryBytes: 512 * GIB, up: true })),
    study.vms.map((vm) => ({ name: vm.name, host: vm.host, memoryBytes: vm.memoryGiB * GIB })),
    { order: 'name' },
  );
  return {
    hosts: study.hosts,
    linkBytesPerSec: DRAIN_STUDY.linkBytesPerSec,
    vms: study.vms.map((vm) => ({ name: vm.name, host: vm.host, memoryBytes: vm.memoryGiB * GIB, dirtyRateBytesPerSec: vm.dirtyRateMB * MB, vcpus: vm.vcpus })),
    migrations: moves.map((move) => ({ vm: move.vmName, to: move.destinationHost })),
    maxOutboundPerHost: DRAIN_STUDY.maxOutboundPerHost,
    bandwidthPerMigrationBytesPerSec: DRAIN_STUDY.bandwidthPerMigrationBytesPerSec,
  };
}

/** Peak resident set of this process so far (getrusage's `ru_maxrss`, KiB): the kernel's peak, not a sample of it. */
function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** One SimGrid configuration of the study, as the bench's JSON line reports it. */
interface SimgridFigures {
  /** VMs SimGrid created: 2,000 (`allVms`) or the 200 that migrate (`migratingVms`). */
  createdVms: number;
  /** Migrations SimGrid ran to their end. */
  migrations: number;
  /** Median of `wallMsRuns`. */
  wallMs: number;
  /** Wall time of each SimGrid process (start-up, study file, platform and simulation), in run order; the compile is cached and not counted. */
  wallMsRuns: number[];
  /** Peak resident set of the SimGrid process (the largest of the runs). */
  rssMiB: number;
  /** Simulated makespan: end of the last migration. */
  simulatedSeconds: number;
  /** migsim's `wallMs` / this configuration's `wallMs`. */
  ratio: number;
}

/**
 * The bench's last stdout line (`--json` prints only that line). Times are
 * wall-clock milliseconds measured in this run, on this machine.
 */
interface EngineBenchResult {
  hosts: number;
  vms: number;
  /** Migrations of the study (the drain plans'), the same in both simulators. */
  migrations: number;
  migsim: {
    /** Wall time of `simulate(scenario)`: building the cluster, running it, the report. */
    wallMs: number;
    /** Peak resident set of the bench process through the run (`ru_maxrss`), as the kernel counted it. */
    rssMiB: number;
    /** Simulated makespan: end of the last migration attempt. */
    simulatedSeconds: number;
    completed: number;
    /** Invariant checkers that failed, as `name: detail`. */
    failedChecks: string[];
  };
  simgrid: {
    /** The installed libsimgrid-dev version. */
    version: string;
    /** Every VM of the study is created and runs its workload. */
    allVms: SimgridFigures;
    /** SimGrid's strongest configuration: only the VMs that migrate are created (the same hosts, links, caps and drain order). */
    migratingVms: SimgridFigures;
    /** migratingVms minus allVms simulated makespan, in seconds (0 when they agree bit for bit). */
    makespanDeltaS: number;
    /** Every run of both configurations gives the same makespan and per-migration times (relative difference <= 1e-9). */
    sameMakespan: boolean;
  };
  /** The configuration with the smaller (median) wall time. */
  fasterSimgrid: 'allVms' | 'migratingVms';
  /** migsim's `wallMs` / the faster SimGrid's `wallMs`: the ratio `pass` judges. */
  ratioToFasterSimgrid: number;
  targets: { ratioToFasterSimgrid: number; rssMiB: number };
  /** Why `pass` is false (empty when it is true). */
  failures: string[];
  pass: boolean;
}

const SAME_MAKESPAN_RELATIVE = 1e-9;

function relativeDifference(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** The same per-migration times too: the configurations simulate the same migrations. */
function sameMigrations(a: SimgridStudyResult, b: SimgridStudyResult): boolean {
  const pairs: [number, number][] = [
    [a.simulatedMakespanS, b.simulatedMakespanS],
    [a.perMigration.minS, b.perMigration.minS],
    [a.perMigration.maxS, b.perMigration.maxS],
    [a.perMigration.meanS, b.perMigration.meanS],
  ];
  return a.migrations === b.migrations && pairs.every(([x, y]) => relativeDifference(x, y) <= SAME_MAKESPAN_RELATIVE);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Every run of both configurations, interleaved so that the machine's drift touches both alike. */
async function runSimgridConfigurations(study: SimgridStudy): Promise<{ all: SimgridStudyResult[]; migrating: SimgridStudyResult[] }> {
  const all: SimgridStudyResult[] = [];
  const migrating: SimgridStudyResult[] = [];
  for (let run = 0; run < SIMGRID_RUNS; run++) {
    all.push(await runSimgridStudy({ ...study, createdVms: 'all' }));
    migrating.push(await runSimgridStudy({ ...study, createdVms: 'migrating' }));
  }
  return { all, migrating };
}

function simgridFigures(runs: SimgridStudyResult[], migsimWallMs: number): SimgridFigures {
  const first = runs[0]!;
  const wallMs = median(runs.map((run) => run.wallMs));
  return {
    createdVms: first.createdVms,
    migrations: first.migrations,
    wallMs: round(wallMs, 1),
    wallMsRuns: runs.map((run) => round(run.wallMs, 1)),
    rssMiB: round(Math.max(...runs.map((run) => run.rssMiB)), 1),
    simulatedSeconds: round(first.simulatedMakespanS, 6),
    ratio: round(migsimWallMs / wallMs, 3),
  };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const study = buildDrainStudy();
  const scenario = parseScenarioObject(drainStudyDocument(study), 'engine-bench');

  // SimGrid first: its processes then run on a machine that migsim's
  // garbage collector is not still working on.
  const simgridRuns = await runSimgridConfigurations(simgridStudy(study));
  const simgridAll = simgridRuns.all[0]!;
  const simgridMigrating = simgridRuns.migrating[0]!;

  const startMs = performance.now();
  // The CLI's progress callback (a no-op here): the run takes the path `migsim simulate` takes.
  const report = simulate(scenario, { onProgress: () => undefined });
  const wallMs = performance.now() - startMs;
  const rssMiB = peakRssMiB();

  const variant = report.variants[0]!;
  const ends = variant.migrations.flatMap((m) => m.attempts.map((a) => a.endMs ?? Infinity));
  const simulatedSeconds = Math.max(...ends) / 1000;
  const completed = variant.migrations.filter((m) => m.outcome === 'completed').length;
  const failedChecks = variant.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`);

  const allFigures = simgridFigures(simgridRuns.all, wallMs);
  const migratingFigures = simgridFigures(simgridRuns.migrating, wallMs);
  const fasterSimgrid = migratingFigures.ratio >= allFigures.ratio ? 'migratingVms' : 'allVms';
  const ratioToFasterSimgrid = Math.max(allFigures.ratio, migratingFigures.ratio);
  const sameMakespan = [...simgridRuns.all, ...simgridRuns.migrating].every((run) => sameMigrations(simgridAll, run));
  const migrations = variant.migrations.length;

  const failures: string[] = [];
  if (ratioToFasterSimgrid > TARGET_RATIO) failures.push(`ratio to the faster SimGrid ${round(ratioToFasterSimgrid, 3)} > ${TARGET_RATIO}`);
  if (rssMiB > TARGET_RSS_MIB) failures.push(`migsim peak RSS ${round(rssMiB, 1)} MiB > ${TARGET_RSS_MIB} MiB`);
  if (completed !== migrations) failures.push(`migsim completed ${completed} of ${migrations} migrations`);
  if (failedChecks.length > 0) failures.push(`migsim checks failed: ${failedChecks.join('; ')}`);
  for (const [name, runs] of [['allVms', simgridRuns.all], ['migratingVms', simgridRuns.migrating]] as const) {
    const short = runs.find((run) => run.migrations !== migrations);
    if (short) failures.push(`SimGrid ${name} ran ${short.migrations} of ${migrations} migrations`);
  }
  if (!sameMakespan) {
    const makespans = (runs: SimgridStudyResult[]) => runs.map((run) => run.simulatedMakespanS).join(', ');
    failures.push(`SimGrid runs disagree: allVms makespans ${makespans(simgridRuns.all)} s, migratingVms ${makespans(simgridRuns.migrating)} s`);
  }

  const line: EngineBenchResult = {
    hosts: HOSTS,
    vms: study.vms.length,
    migrations,
    migsim: {
      wallMs: round(wallMs, 1),
      rssMiB: round(rssMiB, 1),
      simulatedSeconds: round(simulatedSeconds, 3),
      completed,
      failedChecks,
    },
    simgrid: {
      version: simgridAll.simgridVersion,
      allVms: allFigures,
      migratingVms: migratingFigures,
      makespanDeltaS: simgridMigrating.simulatedMakespanS - simgridAll.simulatedMakespanS,
      sameMakespan,
    },
    fasterSimgrid,
    ratioToFasterSimgrid: round(ratioToFasterSimgrid, 3),
    targets: { ratioToFasterSimgrid: TARGET_RATIO, rssMiB: TARGET_RSS_MIB },
    failures,
    pass: failures.length === 0,
  };
  if (!json) {
    const { migsim, simgrid } = line;
    console.log(`migsim engine: ${migrations} migrations (${completed} completed), ${migsim.simulatedSeconds} s simulated, ${migsim.wallMs} ms wall, peak RSS ${migsim.rssMiB} MiB`);
    for (const [name, figures] of [['all VMs', simgrid.allVms], ['migrating VMs only', simgrid.migratingVms]] as const) {
      console.log(
        `SimGrid ${simgrid.version}, ${name} (${figures.createdVms} created): ${figures.migrations} migrations, ${figures.simulatedSeconds} s simulated, ${figures.wallMs} ms wall (median of ${figures.wallMsRuns.join(', ')}), peak RSS ${figures.rssMiB} MiB; ratio ${figures.ratio}`,
      );
    }
    console.log(`SimGrid makespans ${sameMakespan ? 'agree' : 'DISAGREE'} (delta ${simgrid.makespanDeltaS} s)`);
    console.log(`ratio to the faster SimGrid (${fasterSimgrid}) ${line.ratioToFasterSimgrid} (target <= ${TARGET_RATIO}); RSS target <= ${TARGET_RSS_MIB} MiB`);
    for (const failure of failures) console.log(`not met: ${failure}`);
  }
  console.log(JSON.stringify(line));
  if (!line.pass) process.exitCode = 1;
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

await main();
