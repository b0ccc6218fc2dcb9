/**
 * Test builders for sweeps: a small chaos scenario (two 1 GiB VMs drained
 * from src-1 onto two destinations under per-round destination crashes,
 * link flaps and cancels, two policies) whose runs take tens of
 * milliseconds, as YAML text. Its host-drained check fails in some seeds.
 */
export function smallChaosScenarioText(options: { name?: string; extra?: string } = {}): string {
  return `name: ${options.name ?? 'small-chaos'}
description: Two VMs drained under random faults, two policies
seed: 1
horizon: 4m
hosts:
  - { name: src-1, link: 10Gbps, memory: 32GiB }
  - { name: dst, count: 2, link: 10Gbps, memory: 32GiB }
vms:
  - name: vm-{i}
    count: 2
    host: src-1
    memory: 1GiB
    vcpus: 2
    workload: { pattern: sequential, writeWorkingSet: 256MiB, dirtyRate: 20MB/s }
policy:
  bandwidthPerMigration: 32MiB/s
  retries: { max: 1, backoff: 5s }
plans:
  - { drain: src-1, at: 5s }
chaos:
  host-crash: { perRound: 15%, rounds: 6, downFor: { min: 10s, max: 30s } }
  link-flap: { perHostHour: 20, hosts: [src-1], flaps: { min: 1, max: 3 }, down: { min: 1s, max: 8s } }
  cancel: { perRound: 3% }
checks:
  - { kind: migrations-end }
  - { kind: vms-recover, within: 20s }
  - { kind: host-drained, host: src-1 }
${options.extra ?? ''}variants:
  - { name: patient }
  - { name: impatient, policy: { progressTimeout: 20s } }
`;
}
