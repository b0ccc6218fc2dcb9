import { buildReport, type Report, type RunExecution, type VariantReport } from '@migsim/report';
import type { Scenario } from '@migsim/scenario';
import { NS_PER_MS, type ClusterTestHooks } from '@migsim/cluster';
import { EngineError } from './engine/engine-error';
import { WorldEngine, type WorldRunStats } from './world/world-engine';

/** The version written into every report's `generatedBy` (never a wall-clock time). */
export const MIGSIM_VERSION = '0.1.0';

export interface SimulateOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Progress in [0, 1]: variants done plus the simulated fraction of the current one's horizon. */
  onProgress?: (fraction: number) => void;
  /** The scenario file as the user named it, for the report (default: the scenario's `fileName`). */
  scenarioFile?: string;
  /** Run only these variants (by name), in scenario order. */
  variants?: readonly string[];
  /**
   * Called after each variant with what its run took (steps, windows,
   * messages): for load studies and benchmarks; the report never holds it.
   */
  onStats?: (variant: string, stats: Readonly<WorldRunStats>) => void;
  /** Test only: re-create a bug so a test can show its check catches it. */
  testHooks?: ClusterTestHooks;
  /** Test only: check every actor's lookahead promise after each of its steps (see `WorldRunOptions`). */
  promiseEveryStep?: boolean;
}

/**
 * Runs a whole study in process, deterministically: every variant of the
 * scenario one after the other, each a world of libs/cluster actors on its
 * own virtual clock with its own seed forked from the run's seed and the
 * variant's name, and returns the report. The same scenario and seed always give a byte-identical
 * `renderJson(report)`. Never prints; progress goes to `onProgress`.
 */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): Report {
  const seed = options.seed ?? scenario.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new EngineError('ENGINE_INVALID_OPTION', `seed must be an integer in [0, 4294967295], got ${seed}`);
  }
  const selected = options.variants === undefined ? scenario.variants : scenario.variants.filter((variant) => options.variants!.includes(variant.name));
  if (options.variants !== undefined) {
    const unknown = options.variants.filter((name) => !scenario.variants.some((variant) => variant.name === name));
    if (unknown.length > 0) {
      throw new EngineError('ENGINE_INVALID_OPTION', `no variant named ${unknown.join(', ')} (variants: ${scenario.variants.map((v) => v.name).join(', ')})`);
    }
  }
  const count = selected.length;
  const variants = selected.map((variant, index) => {
    const engine = new WorldEngine(scenario, variant, seed, {
      hooks: options.testHooks,
      promiseEveryStep: options.promiseEveryStep,
      onProgress: options.onProgress === undefined ? undefined : (fraction) => options.onProgress!((index + fraction) / count),
    });
    const part = engine.run();
    options.onStats?.(variant.name, { ...engine.stats });
    return part;
  });
  options.onProgress?.(1);
  return runReport(scenario, { seed, engine: 'in-process', scenarioFile: options.scenarioFile }, variants);
}

/**
 * A run's report from its variants' parts: the same envelope whichever
 * driver ran it (the in-process engine or the services), so two runs of one
 * scenario and seed differ only in `engine` (and the services' `execution`).
 */
export function runReport(
  scenario: Scenario,
  run: { seed: number; engine: 'in-process' | 'services'; scenarioFile?: string; execution?: RunExecution },
  variants: VariantReport[],
): Report {
  return buildReport({
    generatedBy: { tool: 'migsim', version: MIGSIM_VERSION },
    scenario: {
      name: scenario.name,
      description: scenario.description === '' ? null : scenario.description,
      file: (run.scenarioFile ?? scenario.fileName) || null,
    },
    seed: run.seed,
    engine: run.engine,
    horizonMs: scenario.horizonNs / NS_PER_MS,
    variants,
    ...(run.execution === undefined ? {} : { execution: run.execution }),
  });
}
