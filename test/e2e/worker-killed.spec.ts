import { describe, expect, it } from 'vitest';
import { FAST_TAKEOVER_ENV, FAULT_AT_SIMULATED_MS, midRun } from './support/fault-runs';
import { engineReportText, expectSameReport, shippedScenario } from './support/same-report';
import { servicesStackPerTest } from './support/services-stack-per-test';

const FLAGSHIP = shippedScenario('scenarios/failed-migration-recovery.yaml');
const newStack = servicesStackPerTest();

describe('services: a host worker killed with -9 mid-run and replaced by a new process', () => {
  it('the replacement takes the shard over and rebuilds its hosts from the journal; the report equals the engine report but for engine and execution', async () => {
    const engine = engineReportText(FLAGSHIP.text, FLAGSHIP.file);
    const stack = newStack({ label: 'worker-killed', speed: 40, extraEnv: FAST_TAKEOVER_ENV });
    await stack.start();
    const id = await stack.submit(FLAGSHIP.text, FLAGSHIP.file);
    const before = await stack.waitForProgress(id, FAULT_AT_SIMULATED_MS);
    expect(midRun(before, 360_000)).toBe('mid-run');

    // source-0 serves src-1: the VM's guest and MMU models of every variant live in that process.
    const killed = stack.worker('source-0');
    expect(await killed.kill('SIGKILL')).toBe(true);
    const replacement = stack.startWorker('source-0');
    await stack.waitForShards();

    const run = await stack.waitForRun(id, 180_000);
    expect(run.status, `${run.error}\n${stack.logs()}`).toBe('completed');
    const rebuilt = /run (\S+): shard source-0 rebuilt from its journal \((\d+) window\(s\) replayed\)/.exec(replacement.log);
    expect(rebuilt?.[1], replacement.log).toBe(id);
    expect(Number(rebuilt![2])).toBeGreaterThan(0);
    expectSameReport(await stack.reportText(id), engine, 'flagship across a host worker kill -9');
  }, 240_000);
});
