import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBurners } from './support/cpu-burners';
import { FOUR_HOSTS } from './support/e2e-scenarios';
import { engineReportText, expectSameReport, shippedScenario } from './support/same-report';
import { ServicesStack } from './support/services-stack';
import { servicesStackPerTest } from './support/services-stack-per-test';

/**
 * The services run the engine's actors in conservative windows of virtual
 * time, so their report is the engine's byte for byte but for the top-level
 * `engine` and `execution` fields — unpaced or paced, with the machine busy
 * or idle, with one worker per role or several. No tolerance anywhere.
 */
const SCENARIOS = readdirSync(fileURLToPath(new URL('../../scenarios/', import.meta.url)))
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => shippedScenario(`scenarios/${name}`));

describe('services vs simulate: every shipped scenario, unpaced, all runs at once on one stack', () => {
  let redis: ResolvedRedis | undefined;
  let stack: ServicesStack | undefined;
  const runs = new Map<string, string>();

  beforeAll(async () => {
    redis = await resolveTestRedis();
    stack = new ServicesStack({ redisUrl: redis.url, label: 'vs-simulate-all', speed: 'max' });
    await stack.start();
    for (const scenario of SCENARIOS) runs.set(scenario.file, await stack.submit(scenario.text, scenario.file));
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  it('ships scenarios to compare', () => {
    expect(SCENARIOS.map((scenario) => scenario.file)).toContain('scenarios/failed-migration-recovery.yaml');
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(7);
  });

  it.each(SCENARIOS.map((scenario) => [scenario.file, scenario] as const))('%s: the services report equals the engine report but for engine and execution', async (file, scenario) => {
    const engine = engineReportText(scenario.text, file);
    const id = runs.get(file)!;
    const run = await stack!.waitForRun(id, 400_000);
    expect(run.status, `${run.error}\n${stack!.logs()}`).toBe('completed');
    const services = await stack!.reportText(id);
    expectSameReport(services, engine, file);
    expect(JSON.parse(services).execution.speed).toBeNull();
  }, 420_000);
});

const newStack = servicesStackPerTest();
const FLAGSHIP = shippedScenario('scenarios/failed-migration-recovery.yaml');

describe('services vs simulate: pacing, load and worker count change nothing', () => {
  it('the flagship paced at 40x: virtual time held back to the wall clock, the same report', async () => {
    const engine = engineReportText(FLAGSHIP.text, FLAGSHIP.file);
    const stack = newStack({ label: 'vs-simulate-paced', speed: 40 });
    await stack.start();
    const id = await stack.submit(FLAGSHIP.text, FLAGSHIP.file);
    const run = await stack.waitForRun(id, 180_000);
    expect(run.status, `${run.error}\n${stack.logs()}`).toBe('completed');
    const services = await stack.reportText(id);
    expectSameReport(services, engine, 'flagship at 40x');
    const execution = JSON.parse(services).execution as { speed: number; wallMs: number };
    expect(execution.speed).toBe(40);
    // 360 s of virtual time at 40x cannot take less than 9 s of wall time: the pacing held it back.
    expect(execution.wallMs).toBeGreaterThanOrEqual(9_000);
  }, 200_000);

  it('two CPU-burning processes beside the services (flaky-network, unpaced): the same report', async () => {
    const scenario = shippedScenario('scenarios/flaky-network.yaml');
    const engine = engineReportText(scenario.text, scenario.file);
    const burners = new CpuBurners(2);
    try {
      const stack = newStack({ label: 'vs-simulate-burners', speed: 'max' });
      await stack.start();
      const id = await stack.submit(scenario.text, scenario.file);
      const run = await stack.waitForRun(id, 300_000);
      expect(run.status, `${run.error}\n${stack.logs()}`).toBe('completed');
      expect(burners.running).toBe(true);
      expectSameReport(await stack.reportText(id), engine, 'flaky-network beside two CPU burners');
    } finally {
      await burners.stop();
    }
  }, 320_000);

  it('two source and two destination workers, each host on a shard of its own: the same report as the engine', async () => {
    const engine = engineReportText(FOUR_HOSTS, 'four-hosts.yaml');
    const stack = newStack({ label: 'vs-simulate-2x2', speed: 'max', sourceWorkers: 2, destinationWorkers: 2 });
    await stack.start();
    const id = await stack.submit(FOUR_HOSTS, 'four-hosts.yaml');
    const run = await stack.waitForRun(id, 180_000);
    expect(run.status, `${run.error}\n${stack.logs()}`).toBe('completed');
    // Every host ran in a process of its own.
    expect(run.shards).toEqual([
      { id: 'source-0', hosts: ['src-1'] },
      { id: 'source-1', hosts: ['src-2'] },
      { id: 'destination-0', hosts: ['dst-1'] },
      { id: 'destination-1', hosts: ['dst-2'] },
    ]);
    const services = await stack.reportText(id);
    expectSameReport(services, engine, 'four hosts on 2 + 2 workers');
    expect((JSON.parse(services).execution as { shards: unknown }).shards).toEqual([
      { id: 'source-0', hosts: 1 },
      { id: 'source-1', hosts: 1 },
      { id: 'destination-0', hosts: 1 },
      { id: 'destination-1', hosts: 1 },
    ]);
  }, 200_000);
});
