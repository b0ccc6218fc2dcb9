import { statSync } from 'node:fs';
import { loadScenario, SCENARIO_LIMITS, ScenarioError, type Scenario } from '@migsim/scenario';
import { CliError } from './cli-error';
import { readUserFile } from './files';
import { checkModelMemory } from './model-memory';

/** No file larger than this can hold a text within the loader's limit (4 bytes per character at most in UTF-8). */
const MAX_FILE_BYTES = SCENARIO_LIMITS.textChars * 4;

export interface ReadScenarioOptions {
  /**
   * Refuse a scenario whose models would not fit in this machine's memory
   * (default true: validate and simulate run it here; `run` sends it to a
   * controller, which checks its own workers).
   */
  modelMemory?: boolean;
}

/** Reads and validates a scenario file; every problem in it is reported at once. */
export function readScenarioFile(path: string, options: ReadScenarioOptions = {}): Scenario {
  refuseHugeFile(path);
  const text = readUserFile(path, 'scenario file');
  let scenario: Scenario;
  try {
    scenario = loadScenario(text, path);
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.format());
    throw error;
  }
  if (options.modelMemory ?? true) checkModelMemory(path, scenario);
  return scenario;
}

/** A file too large to be a scenario is refused before it is read. */
function refuseHugeFile(path: string): void {
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch {
    return; // readUserFile says why it cannot be read
  }
  if (bytes <= MAX_FILE_BYTES) return;
  const limit = SCENARIO_LIMITS.textChars.toLocaleString('en-US');
  throw new CliError(`${path}: found a file of ${bytes.toLocaleString('en-US')} bytes, expected a scenario of at most ${limit} characters (4 MiB); declare repeated hosts and VMs with count`);
}
