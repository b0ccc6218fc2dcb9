import { describe, expect, it } from 'vitest';
import { e2eScenario } from './support/e2e-scenarios';
import { servicesStackPerTest } from './support/services-stack-per-test';

const newStack = servicesStackPerTest();

describe('services: a migration across three real processes', () => {
  it('completes, and the destination memory equals the source memory at switchover', async () => {
    const stack = newStack({ label: 'migrate-ok', speed: 20 });
    await stack.start();
    const id = await stack.submit(e2eScenario({ name: 'e2e-converging', horizonS: 40, dirtyRate: '25MB/s', recovery: 'zap-rmap', migrationAtS: 1 }));
    const run = await stack.waitForRun(id);
    expect(run.status, stack.logs()).toBe('completed');

    const migration = run.variants[0]!.migrations[0]!;
    expect(migration.outcome).toBe('completed');
    expect(migration.info?.status).toBe('completed');
    // The destination host checked its page versions against the source's digest.
    expect(migration.verification?.verified).toBe(true);
    expect(migration.verification?.destinationDigest).toBe(migration.verification?.sourceDigest);

    const report = await stack.report(id);
    expect(report.engine).toBe('services');
    const variant = report.variants[0]!;
    expect(variant.checks.find((check) => check.kind === 'memory-equal-at-switchover')?.passed).toBe(true);
    expect(variant.vms[0]!.host).toBe('dst-1');
    expect(variant.migrations[0]!.attempts[0]!.phases.map((phase) => phase.phase)).toContain('stop-and-copy');

    // SIGTERM: each service closes its consumers, flushes its sends and exits on its own.
    for (const service of [stack.source, stack.destination, stack.controller]) expect(await service.kill('SIGTERM', 10_000)).toBe(true);
    expect(stack.source.log).toMatch(/\[source-host src-1\] stopped/);
    expect(stack.destination.log).toMatch(/\[destination-host dst-1\] stopped/);
  });

  it('one source-host process serves two simulated hosts, each migrating a VM to the destination', async () => {
    const stack = newStack({ label: 'two-hosts', speed: 20 });
    await stack.startController();
    const source = stack.spawn('source-host', ['--hosts', 'src-1,src-2']);
    stack.spawn('destination-host', ['--hosts', 'dst-1']);
    await stack.waitForHosts(['src-1', 'src-2', 'dst-1']);
    const id = await stack.submit(`name: e2e-two-source-hosts
horizon: 40s
policy: { parallelOutboundMigrationsPerNode: 2, parallelInboundMigrationsPerNode: 2 }
hosts:
  - { name: src-1, link: 1Gbps, memory: 16GiB, vcpus: 8 }
  - { name: src-2, link: 1Gbps, memory: 16GiB, vcpus: 8 }
  - { name: dst-1, link: 1Gbps, memory: 16GiB, vcpus: 8 }
vms:
  - { name: vm-a, host: src-1, memory: 1GiB, vcpus: 1, backing: thp, workload: { pattern: uniform, dirtyRate: 5MB/s } }
  - { name: vm-b, host: src-2, memory: 1GiB, vcpus: 1, backing: thp, workload: { pattern: uniform, dirtyRate: 5MB/s } }
migrations:
  - { id: ma, vm: vm-a, to: dst-1, at: 1s }
  - { id: mb, vm: vm-b, to: dst-1, at: 1s }
`);
    const run = await stack.waitForRun(id);
    expect(run.status, stack.logs()).toBe('completed');
    expect(run.variants[0]!.migrations.map((migration) => [migration.id, migration.outcome, migration.verification?.verified])).toEqual([
      ['ma', 'completed', true],
      ['mb', 'completed', true],
    ]);
    expect(source.log).toMatch(/VM created on src-1/);
    expect(source.log).toMatch(/VM created on src-2/);
  });
});
