import { loadScenario, parseScenarioObject, ScenarioError, type Scenario } from '@migsim/scenario';
import { parseDocument } from 'yaml';
import { applySet, type SetParameter } from './set-parameter';
import { SweepInputError } from './sweep-input-error';

/** One value of one `--set`, as a cell of the grid uses it. */
export interface CellSet {
  readonly path: string;
  readonly text: string;
  readonly value: unknown;
}

/** One point of the `--set` grid: a value for every parameter (none without `--set`). */
export interface SweepCell {
  readonly index: number;
  readonly sets: readonly CellSet[];
}

/**
 * Everything a sweep runs: every cell of the grid x every seed x every
 * variant. A plan is plain data: it crosses threads and queues as is, and
 * the same plan gives the same summary wherever its runs ran.
 */
export interface SweepPlan {
  readonly scenarioText: string;
  /** The scenario file as the user named it (reports and commands use it). */
  readonly fileName: string;
  readonly scenarioName: string;
  readonly seeds: readonly number[];
  readonly parameters: readonly SetParameter[];
  readonly cells: readonly SweepCell[];
  readonly variants: readonly string[];
}

/** One run of a plan. */
export interface RunKey {
  readonly cell: number;
  readonly seed: number;
  readonly variant: string;
}

export interface PlanInput {
  scenarioText: string;
  fileName: string;
  seeds: readonly number[];
  sets?: readonly SetParameter[];
  /** Run only these variants (default: all, in the file's order). */
  variants?: readonly string[];
}

/** Aliases may not expand a small file into a huge document (as the loader). */
const MAX_ALIAS_COUNT = 1000;

/**
 * Checks a sweep before anything runs: the file loads (a ScenarioError
 * otherwise, naming every problem), every cell of the `--set` grid loads (a
 * SweepInputError naming the option and the loader's problem otherwise),
 * every requested variant exists in every cell, no path is set twice.
 */
export function planSweep(input: PlanInput): SweepPlan {
  const base = loadScenario(input.scenarioText, input.fileName);
  const parameters = input.sets ?? [];
  const seen = new Set<string>();
  for (const parameter of parameters) {
    if (seen.has(parameter.path)) throw new SweepInputError('--set', `${parameter.path} is set twice; give all its values in one --set, separated by commas`);
    seen.add(parameter.path);
  }
  const cells = grid(parameters);
  const names = base.variants.map((variant) => variant.name);
  const variants = input.variants ?? names;
  if (variants.length === 0) throw new SweepInputError('--variants', `found nothing, expected variant names of ${input.fileName} (${names.join(', ')})`);
  for (const cell of cells) {
    const scenario = cell.sets.length === 0 ? base : loadCell(input.scenarioText, input.fileName, cell.sets);
    const available = scenario.variants.map((variant) => variant.name);
    for (const variant of variants) {
      if (!available.includes(variant)) throw new SweepInputError('--variants', `found "${variant}", expected a variant of ${input.fileName} (${available.join(', ')})`);
    }
  }
  return { scenarioText: input.scenarioText, fileName: input.fileName, scenarioName: base.name, seeds: [...input.seeds], parameters, cells, variants: [...variants] };
}

/** Every combination of the parameters' values, the first parameter varying slowest. */
function grid(parameters: readonly SetParameter[]): SweepCell[] {
  let combinations: CellSet[][] = [[]];
  for (const parameter of parameters) {
    combinations = combinations.flatMap((sets) => parameter.values.map((value) => [...sets, { path: parameter.path, text: value.text, value: value.value }]));
  }
  return combinations.map((sets, index) => ({ index, sets }));
}

/** The scenario file as plain data with a cell's values set. */
export function cellDocument(scenarioText: string, sets: readonly CellSet[]): Record<string, unknown> {
  const document = parseDocument(scenarioText, { uniqueKeys: true }).toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  for (const set of sets) applySet(document, set.path, structuredCopy(set.value));
  return document;
}

/** A cell's scenario, validated: a problem is the `--set` values' fault (the file itself loaded). */
export function loadCell(scenarioText: string, fileName: string, sets: readonly CellSet[]): Scenario {
  if (sets.length === 0) return loadScenario(scenarioText, fileName);
  const document = cellDocument(scenarioText, sets);
  try {
    return parseScenarioObject(document, fileName);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    const assignments = sets.map((set) => `${set.path}=${set.text}`).join(' ');
    throw new SweepInputError('--set', `${assignments} makes ${fileName} invalid:\n${error.format()}`);
  }
}

/** `policy.progressTimeout=30s`, for commands and labels. */
export function cellLabel(cell: SweepCell): string {
  return cell.sets.length === 0 ? 'as written' : cell.sets.map((set) => `${set.path}=${set.text}`).join(', ');
}

function structuredCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
