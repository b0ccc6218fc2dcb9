/**
 * The load study of `npm run bench:study`, as a scenario document built by
 * the features a user writes by hand: hosts and VMs declared with count,
 * racks of 40 by size, memory, vCPUs and dirty rates drawn per VM from the
 * seed, one drain plan over a host set. Two sizes: `small` (200 hosts in 5
 * racks, 2,000 VMs, 20 hosts drained: 200 migrations) and `large` (2,000
 * hosts in 50 racks, 20,000 VMs, 200 hosts drained: 2,000 migrations); the
 * cluster cap scales with the drained hosts so both run the same per-rack
 * load.
 */
export type StudySize = 'small' | 'large';

export interface StudyShape {
  hosts: number;
  rackSize: number;
  vmsPerHost: number;
  /** Every `drainEvery`-th host is drained (h-1, h-11, ...). */
  drainEvery: number;
  linkGbps: number;
  oversubscription: number;
  bandwidthPerMigrationMBps: number;
  maxOutboundPerHost: number;
  /** Migrations running at once in the cluster. */
  clusterCap: number;
  seed: number;
}

export const STUDY_SHAPES: Readonly<Record<StudySize, StudyShape>> = {
  small: { hosts: 200, rackSize: 40, vmsPerHost: 10, drainEvery: 10, linkGbps: 10, oversubscription: 4, bandwidthPerMigrationMBps: 125, maxOutboundPerHost: 2, clusterCap: 10, seed: 20240601 },
  large: { hosts: 2000, rackSize: 40, vmsPerHost: 10, drainEvery: 10, linkGbps: 10, oversubscription: 4, bandwidthPerMigrationMBps: 125, maxOutboundPerHost: 2, clusterCap: 100, seed: 20240601 },
};

export function drainedHosts(shape: StudyShape): string[] {
  return Array.from({ length: shape.hosts / shape.drainEvery }, (_, k) => `h-${k * shape.drainEvery + 1}`);
}

export function studyDocument(size: StudySize): Record<string, unknown> {
  const shape = STUDY_SHAPES[size];
  return {
    name: `bench-study-${size}`,
    description: `${shape.hosts} hosts in racks of ${shape.rackSize}, ${shape.hosts * shape.vmsPerHost} VMs, every ${shape.drainEvery}th host drained at t = 0`,
    seed: shape.seed,
    horizon: '3h',
    sampling: { interval: '60s', vms: 'interesting' },
    network: { racks: { size: shape.rackSize }, oversubscription: shape.oversubscription, latency: { rack: '0s', core: '0s' } },
    // 50 us per host access link, as SimGrid's peer: a path crosses two (100 us one way).
    hosts: [{ name: 'h-{i}', count: shape.hosts, link: `${shape.linkGbps}Gbps`, latency: '50us', memory: '512GiB', vcpus: 64 }],
    vms: [
      {
        name: 'vm-{i}',
        count: shape.hosts * shape.vmsPerHost,
        hosts: 'all',
        placement: 'round-robin',
        memory: { min: '2GiB', max: '16GiB' },
        vcpus: { min: 1, max: 4 },
        backing: 'thp',
        // SimGrid's VM model dirties a working set of 90 % of the memory.
        workload: { pattern: 'sequential', workingSet: '90%', writeWorkingSet: '100%', dirtyRate: { min: '1MB/s', max: '20MB/s' } },
      },
    ],
    policy: {
      parallelMigrationsPerCluster: shape.clusterCap,
      parallelOutboundMigrationsPerNode: shape.maxOutboundPerHost,
      bandwidthPerMigration: `${shape.bandwidthPerMigrationMBps}MB/s`,
    },
    plans: [{ drain: { hosts: drainedHosts(shape) }, at: '0s', order: 'name' }],
    checks: [{ kind: 'migrations-end' }],
  };
}
