import { loadScenario, ScenarioError, type Scenario } from '@migsim/scenario';
import { CliError } from './cli-error';
import { readUserFile } from './files';

/** Reads and validates a scenario file; every problem in it is reported at once. */
export function readScenarioFile(path: string): Scenario {
  const text = readUserFile(path, 'scenario file');
  try {
    return loadScenario(text, path);
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.format());
    throw error;
  }
}
