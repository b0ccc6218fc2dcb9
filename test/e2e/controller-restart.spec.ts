import { describe, expect, it } from 'vitest';
import { FAST_TAKEOVER_ENV, FAULT_AT_SIMULATED_MS, midRun } from './support/fault-runs';
import { engineReportText, expectSameReport, shippedScenario } from './support/same-report';
import { servicesStackPerTest } from './support/services-stack-per-test';

const FLAGSHIP = shippedScenario('scenarios/failed-migration-recovery.yaml');
const newStack = servicesStackPerTest();

describe('services: the controller killed with -9 mid-run, a new one started on the same namespace', () => {
  it('the new controller resumes the run from its journal; the report equals the engine report but for engine and execution', async () => {
    const engine = engineReportText(FLAGSHIP.text, FLAGSHIP.file);
    const stack = newStack({ label: 'ctl-restart', speed: 40, extraEnv: FAST_TAKEOVER_ENV });
    await stack.start();
    const id = await stack.submit(FLAGSHIP.text, FLAGSHIP.file);
    const before = await stack.waitForProgress(id, FAULT_AT_SIMULATED_MS);
    expect(midRun(before, 360_000)).toBe('mid-run');

    const killed = stack.controller;
    expect(await killed.kill('SIGKILL')).toBe(true);
    const restarted = await stack.startController();
    expect(restarted.pid).not.toBe(killed.pid);

    const run = await stack.waitForRun(id, 180_000);
    expect(run.status, `${run.error}\n${stack.logs()}`).toBe('completed');
    expect(restarted.log).toMatch(new RegExp(`run ${id}: coordinator rebuilt from its journal \\([1-9]\\d* report\\(s\\) replayed`));
    expect(((await stack.get('/runs')) as { id: string }[]).map((entry) => entry.id)).toEqual([id]);
    expectSameReport(await stack.reportText(id), engine, 'flagship across a controller kill -9');
  }, 240_000);
});
