// Runs the engine benchmark's drain study through the SimGrid peer, with every
// VM and with only the migrating ones (which must give the same migrations),
// then one-migration studies whose duration can be worked out by hand.
//
//   npx tsx --conditions=development libs/sim/bench/simgrid/simgrid-peer.smoke.ts
import { runSimgridStudy } from './simgrid-peer';
import type { SimgridStudy, SimgridStudyResult } from './simgrid-peer';

const GIB = 2 ** 30;
const MB = 1e6;
const BANDWIDTH_BYTES_PER_SEC = 125 * MB;
/** The plugin's fixed max downtime (VmLiveMigration.cpp, SimGrid 3.32). */
const MAX_DOWNTIME_S = 0.03;

/** mulberry32: a tiny seeded PRNG, so the study is the same on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniformInt(next: () => number, min: number, max: number): number {
  return min + Math.floor(next() * (max - min + 1));
}

/** 200 hosts x 10 VMs of 2-16 GiB; every 10th host is drained, round-robin onto the others. */
function drainStudy(seed = 20240601): SimgridStudy {
  const next = mulberry32(seed);
  const hostCount = 200;
  const vmsPerHost = 10;
  const hosts = Array.from({ length: hostCount }, (_, i) => `host-${String(i).padStart(3, '0')}`);
  const vms = hosts.flatMap((host, hostIndex) =>
    Array.from({ length: vmsPerHost }, (_, i) => ({
      name: `vm-${String(hostIndex * vmsPerHost + i).padStart(4, '0')}`,
      host,
      memoryBytes: uniformInt(next, 2, 16) * GIB,
      dirtyRateBytesPerSec: uniformInt(next, 1, 20) * MB,
      vcpus: uniformInt(next, 1, 4),
    })),
  );
  const drained = new Set(hosts.filter((_, i) => i % 10 === 0));
  const targets = hosts.filter((host) => !drained.has(host));
  let nextTarget = 0;
  const migrations = vms
    .filter((vm) => drained.has(vm.host))
    .map((vm) => ({ vm: vm.name, to: targets[nextTarget++ % targets.length] }));
  return {
    hosts,
    linkBytesPerSec: 1.25e9,
    vms,
    migrations,
    maxOutboundPerHost: 2,
    bandwidthPerMigrationBytesPerSec: BANDWIDTH_BYTES_PER_SEC,
  };
}

function oneMigrationStudy(memoryBytes: number, dirtyRateBytesPerSec: number): SimgridStudy {
  return {
    hosts: ['h0', 'h1', 'h2', 'h3'],
    linkBytesPerSec: 1.25e9,
    vms: [{ name: 'vm0', host: 'h0', memoryBytes, dirtyRateBytesPerSec, vcpus: 2 }],
    migrations: [{ vm: 'vm0', to: 'h1' }],
    maxOutboundPerHost: 2,
    bandwidthPerMigrationBytesPerSec: BANDWIDTH_BYTES_PER_SEC,
  };
}

/**
 * Pre-copy by hand: send all memory, then what was dirtied meanwhile, until
 * a round's leftover fits in the max downtime; then stop-and-copy.
 */
function precopySeconds(memoryBytes: number, dirtyRateBytesPerSec: number): number {
  let toSendBytes = memoryBytes;
  let totalS = 0;
  for (;;) {
    const roundS = toSendBytes / BANDWIDTH_BYTES_PER_SEC;
    totalS += roundS;
    toSendBytes = dirtyRateBytesPerSec * roundS;
    if (toSendBytes < BANDWIDTH_BYTES_PER_SEC * MAX_DOWNTIME_S) return totalS + toSendBytes / BANDWIDTH_BYTES_PER_SEC;
  }
}

async function checkOneMigration(label: string, memoryBytes: number, dirtyRateBytesPerSec: number): Promise<boolean> {
  const result = await runSimgridStudy(oneMigrationStudy(memoryBytes, dirtyRateBytesPerSec));
  const expectedS = precopySeconds(memoryBytes, dirtyRateBytesPerSec);
  const relativeError = Math.abs(result.simulatedMakespanS - expectedS) / expectedS;
  const ok = result.migrations === 1 && relativeError < 0.001;
  console.log(
    JSON.stringify({
      check: label,
      memoryBytes,
      dirtyRateBytesPerSec,
      simgridS: result.simulatedMakespanS,
      byHandS: expectedS,
      relativeError,
      ok,
    }),
  );
  return ok;
}

/** Three equal VMs leave one host: with a cap of 2 the third waits for a slot. */
async function checkOutboundCap(maxOutboundPerHost: number): Promise<boolean> {
  const memoryBytes = 2 * GIB;
  const study: SimgridStudy = {
    ...oneMigrationStudy(memoryBytes, 0),
    vms: ['a', 'b', 'c'].map((name) => ({ name, host: 'h0', memoryBytes, dirtyRateBytesPerSec: 0, vcpus: 1 })),
    migrations: [
      { vm: 'a', to: 'h1' },
      { vm: 'b', to: 'h2' },
      { vm: 'c', to: 'h3' },
    ],
    maxOutboundPerHost,
  };
  const result = await runSimgridStudy(study);
  const oneS = precopySeconds(memoryBytes, 0);
  const expectedS = oneS * Math.ceil(3 / maxOutboundPerHost);
  const relativeError = Math.abs(result.simulatedMakespanS - expectedS) / expectedS;
  const ok = result.migrations === 3 && relativeError < 0.001;
  console.log(
    JSON.stringify({
      check: `3 x 2 GiB from one host, at most ${maxOutboundPerHost} at a time`,
      simgridS: result.simulatedMakespanS,
      byHandS: expectedS,
      relativeError,
      ok,
    }),
  );
  return ok;
}

/**
 * The drain study with only the migrating VMs created: the same migrations,
 * so the same makespan and per-migration times, bit for bit.
 */
async function checkMigratingVmsOnly(study: SimgridStudy, allVms: SimgridStudyResult): Promise<boolean> {
  const result = await runSimgridStudy({ ...study, createdVms: 'migrating' });
  console.log(JSON.stringify({ study: 'drain-200-hosts, migrating VMs only', ...result }));
  const ok =
    result.createdVms === study.migrations.length &&
    result.migrations === allVms.migrations &&
    result.simulatedMakespanS === allVms.simulatedMakespanS &&
    result.perMigration.minS === allVms.perMigration.minS &&
    result.perMigration.maxS === allVms.perMigration.maxS &&
    result.perMigration.meanS === allVms.perMigration.meanS;
  console.log(
    JSON.stringify({
      check: 'drain study, migrating VMs only: same migrations as with every VM',
      allVmsS: allVms.simulatedMakespanS,
      migratingVmsS: result.simulatedMakespanS,
      allVmsWallMs: allVms.wallMs,
      migratingVmsWallMs: result.wallMs,
      ok,
    }),
  );
  return ok;
}

async function main(): Promise<void> {
  const study = drainStudy();
  const result = await runSimgridStudy(study);
  console.log(JSON.stringify({ study: 'drain-200-hosts', ...result }));

  const checks = [
    await checkMigratingVmsOnly(study, result),
    await checkOneMigration('4 GiB, no dirtying: memory / bandwidth', 4 * GIB, 0),
    await checkOneMigration('4 GiB, 20 MB/s dirtying: pre-copy rounds', 4 * GIB, 20 * MB),
    await checkOutboundCap(2),
    await checkOutboundCap(1),
  ];
  const drainOk = result.migrations === study.migrations.length && result.simulatedMakespanS > 0;
  if (!drainOk || checks.includes(false)) {
    console.error('simgrid-peer smoke: FAILED');
    process.exitCode = 1;
  }
}

await main();
