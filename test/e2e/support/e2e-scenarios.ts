/**
 * Small scenarios for the end-to-end suites: a 2 GiB THP-backed VM on a
 * 1 Gbps link, so a pre-copy takes tens of simulated seconds, i.e. seconds
 * of wall time at the speeds the suites use.
 */
export interface E2eScenarioOptions {
  name: string;
  horizonS: number;
  /** Guest dirty rate; 25MB/s converges in a few rounds, 90MB/s makes rounds long. */
  dirtyRate: string;
  recovery: 'none' | 'zap-rmap' | 'zap-max-level' | 'zap-tdp' | 'recover-in-place';
  migrationAtS: number;
  faults?: string;
  checks?: string;
}

export function e2eScenario(options: E2eScenarioOptions): string {
  return `name: ${options.name}
seed: 7
horizon: ${options.horizonS}s
sampling: { interval: 1s }
hosts:
  - { name: src-1, link: 1Gbps, memory: 16GiB, vcpus: 8, kernel: { mmu: tdp, pml: true, recovery: ${options.recovery} } }
  - { name: dst-1, link: 1Gbps, memory: 16GiB, vcpus: 8 }
vms:
  - name: vm-1
    host: src-1
    memory: 2GiB
    vcpus: 2
    backing: thp
    workload: { pattern: sequential, writeWorkingSet: 1GiB, dirtyRate: ${options.dirtyRate} }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: ${options.migrationAtS}s, params: { downtime-limit: 300ms, max-bandwidth: 125MB/s } }
${options.faults ?? ''}
${options.checks ?? ''}
`;
}
