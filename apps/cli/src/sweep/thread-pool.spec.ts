import { executeRun, planSweep, runTasksOf, ScenarioCache } from '@migsim/sweep';
import { smallChaosScenarioText } from '@migsim/sweep/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ThreadPool } from './thread-pool';

const plan = planSweep({ scenarioText: smallChaosScenarioText(), fileName: 'small.yaml', seeds: [1, 2], variants: ['patient'] });
const pool = new ThreadPool(2);
afterAll(() => pool.close());

describe('ThreadPool', () => {
  it('runs tasks on worker threads with the same results as in this process', async () => {
    const tasks = runTasksOf(plan);
    const threaded = await Promise.all(tasks.map((task) => pool.run(task)));
    const cache = new ScenarioCache();
    expect(threaded).toEqual(tasks.map((task) => executeRun(task, cache)));
  });

  it('a task that throws in its thread rejects with the reason, and the pool goes on serving', async () => {
    const [task] = runTasksOf(plan);
    await expect(pool.run({ ...task!, scenarioText: 'name: broken\n' })).rejects.toThrow(/broken|hosts/);
    await expect(pool.run(task!)).resolves.toMatchObject({ seed: 1, variant: 'patient', error: null });
  });
});
