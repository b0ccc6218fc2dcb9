import { Rng } from '@migsim/cluster';

/**
 * The drain study of `npm run bench:engine` and `npm run bench:services`:
 * 200 hosts (10 Gbps NICs, 50 us access links), 2,000 VMs of 2-16 GiB (whole
 * GiB, uniform), 1-4 vCPUs, each writing 1-20 MB/s sequentially over 90 % of
 * its memory (all drawn from seed 20240601); hosts 0, 10, ..., 190 are
 * drained at t = 0, at most 2 outbound migrations per host, 125 MB/s per
 * migration, until every migration has ended (200 migrations). Both benches
 * build it here, so they run the same scenario.
 */
export const DRAIN_STUDY = {
  seed: 20240601,
  hosts: 200,
  vmsPerHost: 10,
  linkBytesPerSec: 1.25e9,
  bandwidthPerMigrationBytesPerSec: 125e6,
  maxOutboundPerHost: 2,
} as const;

export interface DrainStudyVm {
  name: string;
  host: string;
  memoryGiB: number;
  dirtyRateMB: number;
  vcpus: number;
}

export interface DrainStudy {
  hosts: string[];
  vms: DrainStudyVm[];
  /** Every tenth host, from the first. */
  drained: string[];
}

const GIB = 2 ** 30;
const MB = 1e6;

/** The study's hosts and VMs, drawn from its seed. */
export function buildDrainStudy(): DrainStudy {
  const rng = new Rng(DRAIN_STUDY.seed);
  const hosts = Array.from({ length: DRAIN_STUDY.hosts }, (_, i) => `host-${String(i).padStart(3, '0')}`);
  const vms = hosts.flatMap((host, h) =>
    Array.from({ length: DRAIN_STUDY.vmsPerHost }, (_, i) => ({
      name: `vm-${String(h * DRAIN_STUDY.vmsPerHost + i).padStart(4, '0')}`,
      host,
      memoryGiB: rng.int(2, 16),
      dirtyRateMB: rng.int(1, 20),
      vcpus: rng.int(1, 4),
    })),
  );
  return { hosts, vms, drained: hosts.filter((_, i) => i % 10 === 0) };
}

/** The study as a scenario document (what a user would write as YAML or JSON). */
export function drainStudyDocument(study: DrainStudy = buildDrainStudy()): Record<string, unknown> {
  const receivers = study.hosts.filter((host) => !study.drained.includes(host));
  return {
    name: 'engine-bench',
    description: '200 hosts, 2,000 VMs, 20 hosts drained at once',
    seed: DRAIN_STUDY.seed,
    horizon: '1500s',
    sampling: { interval: '60s' },
    // 50 us per host access link, as SimGrid's peer: a path crosses two (100 us one way).
    hosts: study.hosts.map((name) => ({ name, link: `${DRAIN_STUDY.linkBytesPerSec * 8}bps`, latency: '0.05ms', memory: '512GiB', vcpus: 64 })),
    vms: study.vms.map((vm) => ({
      name: vm.name,
      host: vm.host,
      memory: `${vm.memoryGiB}GiB`,
      vcpus: vm.vcpus,
      backing: 'thp',
      workload: {
        pattern: 'sequential',
        workingSet: drainStudyWorkingSetBytes(vm.memoryGiB),
        writeWorkingSet: drainStudyWorkingSetBytes(vm.memoryGiB),
        dirtyRate: `${vm.dirtyRateMB}MB/s`,
      },
    })),
    policy: {
      parallelMigrationsPerCluster: study.drained.length * DRAIN_STUDY.maxOutboundPerHost,
      parallelOutboundMigrationsPerNode: DRAIN_STUDY.maxOutboundPerHost,
      bandwidthPerMigration: `${DRAIN_STUDY.bandwidthPerMigrationBytesPerSec / MB}MB/s`,
    },
    plans: study.drained.map((host) => ({ drain: host, at: '0s', order: 'name', to: receivers })),
  };
}

/** 90 % of memory, whole 4 KiB pages (SimGrid's working set is 90 % of RAM). */
export function drainStudyWorkingSetBytes(memoryGiB: number): number {
  return Math.floor((memoryGiB * GIB * 0.9) / 4096) * 4096;
}
