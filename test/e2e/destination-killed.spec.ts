import { describe, expect, it } from 'vitest';
import { e2eScenario } from './support/e2e-scenarios';
import { servicesStackPerTest } from './support/services-stack-per-test';

const newStack = servicesStackPerTest();

describe('services: kill -9 of the destination process during pre-copy round 3', () => {
  it('leaves the VM on the source with dirty logging off, runs the recovery strategy, and huge pages come back', async () => {
    // Fast heartbeats so the controller notices the dead process within a second; a slow clock keeps round 3 long enough to hit.
    const stack = newStack({ label: 'kill-dst', speed: 4, extraEnv: { MIGSIM_HEARTBEAT_MS: '200', MIGSIM_HOST_DEAD_AFTER_MS: '1000' } });
    await stack.start();
    const id = await stack.submit(e2eScenario({ name: 'e2e-kill-destination', horizonS: 60, dirtyRate: '100MB/s', recovery: 'zap-tdp', migrationAtS: 1 }));

    await stack.until(async () => {
      const migration = (await stack.run(id)).variants[0]!.migrations[0]!;
      return migration.phase?.phase === 'round' && migration.phase.round === 3;
    }, 60_000, 'pre-copy round 3', 20);
    expect(await stack.destination.kill('SIGKILL')).toBe(true);

    const run = await stack.waitForRun(id);
    expect(run.status, stack.logs()).toBe('completed');
    const report = await stack.report(id);
    const variant = report.variants[0]!;
    const migration = variant.migrations[0]!;
    expect(migration.outcome).toBe('failed');
    // Killed in round 3; the controller notices within about a second, so the failure lands in round 3 (or, on a slow machine, the next).
    const rounds = migration.attempts[0]!.phases.filter((phase) => phase.phase === 'round').map((phase) => phase.round);
    expect(rounds.slice(0, 3)).toEqual([1, 2, 3]);
    expect(rounds.length).toBeLessThanOrEqual(4);
    expect(variant.events.some((event) => event.kind === 'fault' && /dst-1 stopped answering/.test(event.detail))).toBe(true);

    const vm = variant.vms[0]!;
    expect(vm.host).toBe('src-1');
    expect(variant.checks.find((check) => check.kind === 'vm-never-lost')?.passed).toBe(true);
    expect(variant.checks.find((check) => check.kind === 'dirty-logging-off-after-failure')?.passed).toBe(true);
    expect(vm.timeline.at(-1)!.dirtyLogging).toBe(false);

    const recovery = vm.recoveries[0]!;
    expect(recovery.strategy).toBe('zap-tdp');
    expect(recovery.trigger).toBe('migration-failed');
    expect(recovery.disable.sptesZapped).toBeGreaterThan(0);
    const before = vm.timeline.find((point) => point.tMs <= 1000)!.hugeFraction;
    const splitLow = Math.min(...vm.timeline.map((point) => point.hugeFraction));
    // Dirty logging split the written half of guest memory into 4 KiB mappings.
    expect(splitLow).toBeLessThan(0.75 * before);
    expect(recovery.finalHugeFraction).toBeGreaterThanOrEqual(0.95 * before);
  });
});
