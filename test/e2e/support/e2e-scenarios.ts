/**
 * Scenarios of the end-to-end suites beyond the shipped ones.
 *
 * FOUR_HOSTS: two sources and two destinations, a migration between every
 * pair, and a destination crash keyed on a migration's phase, so that with
 * one shard per host every kind of message crosses a process boundary
 * (controller <-> source, source <-> destination, both directions), faults
 * included.
 */
export const FOUR_HOSTS = `name: e2e-four-hosts
description: two sources and two destinations, a migration between every pair; dst-2 crashes in md's round 2
seed: 3
horizon: 90s
sampling: { interval: 1s }
policy: { parallelOutboundMigrationsPerNode: 2, parallelInboundMigrationsPerNode: 2 }
hosts:
  - { name: src-1, link: 1Gbps, memory: 32GiB, vcpus: 16, kernel: { mmu: tdp, pml: true, recovery: zap-tdp } }
  - { name: src-2, link: 1Gbps, memory: 32GiB, vcpus: 16, kernel: { mmu: tdp, pml: true, recovery: recover-in-place } }
  - { name: dst-1, link: 1Gbps, memory: 32GiB, vcpus: 16 }
  - { name: dst-2, link: 1Gbps, memory: 32GiB, vcpus: 16 }
vms:
  - { name: vm-a, host: src-1, memory: 2GiB, vcpus: 2, backing: thp, workload: { pattern: sequential, writeWorkingSet: 512MiB, dirtyRate: 20MB/s } }
  - { name: vm-b, host: src-1, memory: 2GiB, vcpus: 2, backing: thp, workload: { pattern: uniform, dirtyRate: 10MB/s } }
  - { name: vm-c, host: src-2, memory: 2GiB, vcpus: 2, backing: thp, workload: { pattern: sequential, writeWorkingSet: 512MiB, dirtyRate: 20MB/s } }
  - { name: vm-d, host: src-2, memory: 2GiB, vcpus: 2, backing: thp, workload: { pattern: sequential, writeWorkingSet: 1GiB, dirtyRate: 40MB/s } }
migrations:
  - { id: ma, vm: vm-a, to: dst-1, at: 2s }
  - { id: mb, vm: vm-b, to: dst-2, at: 2s }
  - { id: mc, vm: vm-c, to: dst-1, at: 3s }
  - { id: md, vm: vm-d, to: dst-2, at: 3s }
faults:
  - { kind: destination-crash, description: dst-2 loses power in md's round 2, host: dst-2, when: { migration: md, phase: round, round: 2 } }
`;
