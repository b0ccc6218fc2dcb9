// The engine benchmark: one evacuation study run by migsim's deterministic
// engine and by SimGrid's VM live-migration plugin, on this machine, in this
// run.
//
//   npx tsx --conditions=development libs/sim/bench/engine.bench.ts [--json]
//
// Study: 200 hosts (10 Gbps NICs, 50 us access links), 2,000 VMs of 2-16 GiB (whole GiB, uniform),
// 1-4 vCPUs, each writing 1-20 MB/s sequentially over 90 % of its memory (all
// drawn from seed 20240601); hosts 0, 10, ..., 190 are drained at t = 0, at most
// 2 outbound migrations per host, 125 MB/s per migration, until every
// migration has ended. migsim runs it page-accurately (MMU model, dirty
// bitmaps, QEMU's pre-copy state machine); SimGrid runs the same VMs and the
// same moves (the drain rule of @migsim/orchestration, computed here) with its
// fluid model.
import { planDrain } from '@migsim/orchestration';
import { parseScenarioObject } from '@migsim/scenario';
import { Rng, simulate } from '../src/index';
import { runSimgridStudy, type SimgridStudy } from './simgrid/simgrid-peer';

const SEED = 20240601;
const HOSTS = 200;
const VMS_PER_HOST = 10;
const GIB = 2 ** 30;
const MB = 1e6;
const LINK_BYTES_PER_SEC = 1.25e9;
const BANDWIDTH_PER_MIGRATION = 125 * MB;
const MAX_OUTBOUND = 2;
const TARGET_RATIO = 2;
const TARGET_RSS_MIB = 1024;

interface BenchVm {
  name: string;
  host: string;
  memoryGiB: number;
  dirtyRateMB: number;
  vcpus: number;
}

function buildStudy(): { hosts: string[]; vms: BenchVm[]; drained: string[] } {
  const rng = new Rng(SEED);
  const hosts = Array.from({ length: HOSTS }, (_, i) => `host-${String(i).padStart(3, '0')}`);
  const vms = hosts.flatMap((host, h) =>
    Array.from({ length: VMS_PER_HOST }, (_, i) => ({
      name: `vm-${String(h * VMS_PER_HOST + i).padStart(4, '0')}`,
      host,
      memoryGiB: rng.int(2, 16),
      dirtyRateMB: rng.int(1, 20),
      vcpus: rng.int(1, 4),
    })),
  );
  return { hosts, vms, drained: hosts.filter((_, i) => i % 10 === 0) };
}

function scenarioDocument(study: ReturnType<typeof buildStudy>): Record<string, unknown> {
  const receivers = study.hosts.filter((host) => !study.drained.includes(host));
  return {
    name: 'engine-bench',
    description: '200 hosts, 2,000 VMs, 20 hosts drained at once',
    seed: SEED,
    horizon: '1500s',
    sampling: { interval: '60s' },
    // 50 us per host access link, as SimGrid's peer: a path crosses two (100 us one way).
    hosts: study.hosts.map((name) => ({ name, link: `${LINK_BYTES_PER_SEC * 8}bps`, latency: '0.05ms', memory: '512GiB', vcpus: 64 })),
    vms: study.vms.map((vm) => ({
      name: vm.name,
      host: vm.host,
      memory: `${vm.memoryGiB}GiB`,
      vcpus: vm.vcpus,
      backing: 'thp',
      workload: {
        pattern: 'sequential',
        workingSet: workingSetBytes(vm.memoryGiB),
        writeWorkingSet: workingSetBytes(vm.memoryGiB),
        dirtyRate: `${vm.dirtyRateMB}MB/s`,
      },
    })),
    policy: {
      parallelMigrationsPerCluster: study.drained.length * MAX_OUTBOUND,
      parallelOutboundMigrationsPerNode: MAX_OUTBOUND,
      bandwidthPerMigration: `${BANDWIDTH_PER_MIGRATION / MB}MB/s`,
    },
    plans: study.drained.map((host) => ({ drain: host, at: '0s', order: 'name', to: receivers })),
  };
}

/** The same moves for SimGrid: the drain rule of @migsim/orchestration over the same hosts and VMs. */
function simgridStudy(study: ReturnType<typeof buildStudy>): SimgridStudy {
  const moves = planDrain(
    study.drained,
    study.hosts.map((name) => ({ name, memoryBytes: 512 * GIB, up: true })),
    study.vms.map((vm) => ({ name: vm.name, host: vm.host, memoryBytes: vm.memoryGiB * GIB })),
    { order: 'name' },
  );
  return {
    hosts: study.hosts,
    linkBytesPerSec: LINK_BYTES_PER_SEC,
    vms: study.vms.map((vm) => ({ name: vm.name, host: vm.host, memoryBytes: vm.memoryGiB * GIB, dirtyRateBytesPerSec: vm.dirtyRateMB * MB, vcpus: vm.vcpus })),
    migrations: moves.map((move) => ({ vm: move.vmName, to: move.destinationHost })),
    maxOutboundPerHost: MAX_OUTBOUND,
    bandwidthPerMigrationBytesPerSec: BANDWIDTH_PER_MIGRATION,
  };
}

/** 90 % of memory, whole 4 KiB pages (SimGrid's working set is 90 % of RAM). */
function workingSetBytes(memoryGiB: number): number {
  return Math.floor((memoryGiB * GIB * 0.9) / 4096) * 4096;
}

function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const study = buildStudy();
  const scenario = parseScenarioObject(scenarioDocument(study), 'engine-bench');

  let peakRssMiB = rssMiB();
  const startMs = performance.now();
  const report = simulate(scenario, {
    onProgress: () => {
      peakRssMiB = Math.max(peakRssMiB, rssMiB());
    },
  });
  const wallMs = performance.now() - startMs;
  peakRssMiB = Math.max(peakRssMiB, rssMiB());

  const variant = report.variants[0]!;
  const ends = variant.migrations.flatMap((m) => m.attempts.map((a) => a.endMs ?? Infinity));
  const simulatedSeconds = Math.max(...ends) / 1000;
  const completed = variant.migrations.filter((m) => m.outcome === 'completed').length;
  const failedChecks = variant.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`);

  const simgrid = await runSimgridStudy(simgridStudy(study));
  const ratioToSimgrid = wallMs / simgrid.wallMs;
  const pass = ratioToSimgrid <= TARGET_RATIO && peakRssMiB <= TARGET_RSS_MIB && completed === variant.migrations.length && failedChecks.length === 0;

  const line = {
    hosts: HOSTS,
    vms: study.vms.length,
    migrations: variant.migrations.length,
    simulatedSeconds: round(simulatedSeconds, 3),
    wallMs: round(wallMs, 1),
    rssMiB: round(peakRssMiB, 1),
    simgridWallMs: round(simgrid.wallMs, 1),
    ratioToSimgrid: round(ratioToSimgrid, 3),
    simgridSimulatedSeconds: round(simgrid.simulatedMakespanS, 3),
    targets: { ratioToSimgrid: TARGET_RATIO, rssMiB: TARGET_RSS_MIB },
    pass,
  };
  if (!json) {
    console.log(`migsim engine: ${variant.migrations.length} migrations (${completed} completed), ${line.simulatedSeconds} s simulated, ${line.wallMs} ms wall, peak RSS ${line.rssMiB} MiB`);
    console.log(`SimGrid ${simgrid.simgridVersion}: ${simgrid.migrations} migrations, ${line.simgridSimulatedSeconds} s simulated, ${line.simgridWallMs} ms wall, peak RSS ${round(simgrid.rssMiB, 1)} MiB`);
    console.log(`ratio to SimGrid ${line.ratioToSimgrid} (target <= ${TARGET_RATIO}); RSS target <= ${TARGET_RSS_MIB} MiB`);
    for (const failure of failedChecks) console.log(`check failed: ${failure}`);
  }
  console.log(JSON.stringify(line));
  if (!pass) process.exitCode = 1;
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

await main();
