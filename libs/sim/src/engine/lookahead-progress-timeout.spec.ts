import { loadScenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { simulate } from '../simulate';

/**
 * Found by a chaos sweep (seed 18 of a 10-VM drain under a 30 s progress
 * timeout) and shrunk by \`migsim sweep --shrink\`: a progress timeout that
 * strikes between two whole nanoseconds made the source send its
 * \`stream.discard\` up to 1 ns before the time its lookahead promised (the
 * watchdog's deadline, one ns past the timeout), and the engine stopped the
 * run (WORLD_LOOKAHEAD). The services' windows rely on that promise.
 */
const SHRUNK = `
name: chaos-policies
seed: 18
horizon: 552s
hosts:
  - name: src-1
    link: 10Gbps
    memory: 128GiB
    vcpus: 64
    kernel:
      preset: linux-5.15
  - name: dst-1
    link: 10Gbps
    memory: 64GiB
    vcpus: 64
    kernel:
      preset: linux-5.15
vms:
  - name: web-3
    host: src-1
    memory: 512MiB
    vcpus: 2
    workload:
      pattern: sequential
      writeWorkingSet: 128MiB
      dirtyRate: 4MB/s
  - name: app-1
    host: src-1
    memory: 1GiB
    vcpus: 4
    workload:
      pattern: sequential
      writeWorkingSet: 256MiB
      dirtyRate: 12MB/s
  - name: app-2
    host: src-1
    memory: 1GiB
    vcpus: 4
    workload:
      pattern: sequential
      writeWorkingSet: 256MiB
      dirtyRate: 12MB/s
  - name: app-3
    host: src-1
    memory: 1GiB
    vcpus: 4
    workload:
      pattern: sequential
      writeWorkingSet: 256MiB
      dirtyRate: 12MB/s
  - name: app-4
    host: src-1
    memory: 1GiB
    vcpus: 4
    workload:
      pattern: sequential
      writeWorkingSet: 256MiB
      dirtyRate: 12MB/s
  - name: db-1
    host: src-1
    memory: 2GiB
    vcpus: 8
    workload:
      pattern: sequential
      writeWorkingSet: 1GiB
      dirtyRate: 22MB/s
  - name: db-2
    host: src-1
    memory: 2GiB
    vcpus: 8
    workload:
      pattern: sequential
      writeWorkingSet: 1GiB
      dirtyRate: 22MB/s
policy:
  parallelMigrationsPerCluster: 5
  parallelOutboundMigrationsPerNode: 2
  bandwidthPerMigration: 32MiB/s
  completionTimeoutPerGiB: 150
  progressTimeout: 30
  retries:
    max: 3
    backoff: 10s
plans:
  - drain: src-1
    at: 10s
`;

describe('lookahead under a progress timeout', () => {
  it('a progress timeout at a fractional time keeps the lookahead promise: the run ends and the stalled migrations are aborted', () => {
    const report = simulate(loadScenario(SHRUNK, 'shrunk.yaml'));
    const variant = report.variants[0]!;
    expect(variant.checks.every((check) => check.passed)).toBe(true);
    expect(variant.migrations.some((migration) => migration.attempts.some((attempt) => attempt.outcome === 'aborted'))).toBe(true);
  });
});
