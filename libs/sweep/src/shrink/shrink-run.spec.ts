import { loadScenario, parseScenarioObject } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import { parseSetOption } from '../input/set-parameter';
import { planSweep } from '../input/sweep-plan';
import { executeRun, ScenarioCache } from '../run/execute-run';
import { failedChecks } from '../run/run-result';
import { runTasksOf } from '../sweep-tasks';
import { smallChaosScenarioText } from '../testing';
import { horizonMayShrink, shrinkRun, startingDocument, type ShrinkTask } from './shrink-run';

const plan = planSweep({ scenarioText: smallChaosScenarioText(), fileName: 'small.yaml', seeds: [1, 2, 3, 4], sets: [parseSetOption('policy.retries.max=1')] });
const cache = new ScenarioCache();
const failing = runTasksOf(plan)
  .map((task) => executeRun(task, cache))
  .find((result) => failedChecks(result).length > 0)!;
const task: ShrinkTask = {
  scenarioText: plan.scenarioText,
  fileName: plan.fileName,
  sets: plan.cells[0]!.sets,
  cell: 0,
  seed: failing.seed,
  variant: failing.variant,
  check: failedChecks(failing)[0]!.name,
  budget: 120,
};

describe('shrinking a failing run', () => {
  it('starts from the run written as a plain file: its variant, its --set values, its drawn faults, its seed — the same run', () => {
    const document = startingDocument(task);
    expect(document['chaos']).toBeUndefined();
    expect(document['variants']).toBeUndefined();
    expect(document['seed']).toBe(failing.seed);
    const replay = simulate(parseScenarioObject(document, 'plain.yaml')).variants[0]!;
    const original = simulate(loadScenario(plan.scenarioText, 'small.yaml'), { seed: failing.seed, variants: [failing.variant] }).variants[0]!;
    expect(replay.migrations).toEqual(original.migrations);
    expect(replay.checks).toEqual(original.checks);
  });

  it('ends with a smaller scenario that `migsim simulate` runs to the same failed check', () => {
    const result = shrinkRun(task);
    expect(result.simulations).toBeLessThanOrEqual(120);
    const before = result.before;
    const after = result.after;
    expect(after.faults + after.vms + after.hosts).toBeLessThan(before.faults + before.vms + before.hosts);
    expect(result.yaml).toMatch(new RegExp(`^# Shrunk from small.yaml, seed ${failing.seed}, variant ${failing.variant} --set policy.retries.max=1\\.\\n# Still fails ${task.check}: `));
    // host-drained is judged at the horizon: an earlier one would make it fail for that reason alone.
    expect(after.horizon).toBe('4m');
    const shrunk = loadScenario(result.yaml, 'shrunk.yaml');
    expect(shrunk.chaos).toBeUndefined();
    expect(shrunk.variants.map((variant) => variant.name)).toEqual(['default']);
    const check = simulate(shrunk).variants[0]!.checks.find((candidate) => candidate.name === task.check);
    expect(check).toMatchObject({ passed: false, detail: result.detail });
  });

  it('is deterministic: the same failing run shrinks to the same file', () => {
    const small = { ...task, budget: 25 };
    expect(shrinkRun(small).yaml).toBe(shrinkRun(small).yaml);
  });
});

describe('the horizon of a shrunk run', () => {
  it('may end earlier for a safety invariant or an engine error (they fail at a moment), never for a check judged at the horizon', () => {
    expect(horizonMayShrink('vm-never-lost')).toBe(true);
    expect(horizonMayShrink('memory-equal-at-switchover')).toBe(true);
    expect(horizonMayShrink('engine-error: WORLD_LOOKAHEAD')).toBe(true);
    expect(horizonMayShrink('migrations-end')).toBe(false);
    expect(horizonMayShrink('host-drained: src-1')).toBe(false);
    expect(horizonMayShrink('vms-recover: to 95% within 30s')).toBe(false);
  });
});
