import type { Scenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { loadCell, type CellSet, type RunKey } from '../input/sweep-plan';
import { erroredRun, summarizeRun, type RunResult } from './run-result';

/** One run to execute, self-contained: it crosses threads and queues as plain data. */
export interface RunTask extends RunKey {
  scenarioText: string;
  fileName: string;
  sets: readonly CellSet[];
}

/**
 * Loaded scenarios by file text and cell, so a worker that runs many seeds
 * of one cell parses the file once.
 */
export class ScenarioCache {
  private readonly scenarios = new Map<string, Scenario>();

  constructor(private readonly capacity = 64) {}

  get(scenarioText: string, fileName: string, sets: readonly CellSet[]): Scenario {
    const key = `${fileName}\u0000${JSON.stringify(sets)}\u0000${scenarioText}`;
    let scenario = this.scenarios.get(key);
    if (scenario === undefined) {
      scenario = loadCell(scenarioText, fileName, sets);
      if (this.scenarios.size >= this.capacity) this.scenarios.delete(this.scenarios.keys().next().value!);
      this.scenarios.set(key, scenario);
    }
    return scenario;
  }
}

/**
 * Runs one variant of one cell with one seed in this process and returns its
 * row. A run the engine cannot finish (it throws) is a result too: it fails
 * the `engine-error` check, so one bug a seed finds does not stop the sweep.
 */
export function executeRun(task: RunTask, cache: ScenarioCache): RunResult {
  const key: RunKey = { cell: task.cell, seed: task.seed, variant: task.variant };
  const scenario = cache.get(task.scenarioText, task.fileName, task.sets);
  try {
    const report = simulate(scenario, { seed: task.seed, variants: [task.variant], scenarioFile: task.fileName });
    return summarizeRun(key, report.variants[0]!);
  } catch (error) {
    return erroredRun(key, error);
  }
}
