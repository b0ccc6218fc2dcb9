import { describe, expect, it } from 'vitest';
import { e2eScenario } from './support/e2e-scenarios';
import { servicesStackPerTest } from './support/services-stack-per-test';

const newStack = servicesStackPerTest();

describe('services: the controller killed and restarted mid-run', () => {
  it('resumes its run from Redis and finishes it', async () => {
    const stack = newStack({ label: 'ctl-restart', speed: 10 });
    await stack.start();
    const id = await stack.submit(e2eScenario({ name: 'e2e-controller-restart', horizonS: 50, dirtyRate: '25MB/s', recovery: 'zap-rmap', migrationAtS: 1 }));
    await stack.until(async () => (await stack.run(id)).variants[0]!.migrations[0]!.phase?.phase === 'round', 30_000, 'pre-copy to start');

    expect(await stack.controller.kill('SIGKILL')).toBe(true);
    const restarted = await stack.startController();
    expect(restarted.pid).not.toBe(stack.processes[0]!.pid);

    const run = await stack.waitForRun(id);
    expect(run.status, stack.logs()).toBe('completed');
    expect(restarted.log).toMatch(new RegExp(`resumed run ${id} from Redis`));
    const report = await stack.report(id);
    expect(report.variants[0]!.migrations[0]!.outcome).toBe('completed');
    expect(report.variants[0]!.vms[0]!.host).toBe('dst-1');
    expect(report.variants[0]!.checks.every((check) => check.passed)).toBe(true);
  });
});
