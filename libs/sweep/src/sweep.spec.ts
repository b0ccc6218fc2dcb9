import { describe, expect, it } from 'vitest';
import { parseSetOption } from './input/set-parameter';
import { planSweep, type SweepPlan } from './input/sweep-plan';
import { renderRunsCsv } from './render/runs-csv';
import { renderSummaryText } from './render/summary-text';
import { executeRun, ScenarioCache } from './run/execute-run';
import { failedChecks, type RunResult } from './run/run-result';
import { renderSummaryJson, summarizeSweep } from './summary/sweep-summary';
import { runTasksOf } from './sweep-tasks';
import { smallChaosScenarioText } from './testing';

function runAll(plan: SweepPlan): RunResult[] {
  const cache = new ScenarioCache();
  return runTasksOf(plan).map((task) => executeRun(task, cache));
}

const plan = planSweep({ scenarioText: smallChaosScenarioText(), fileName: 'scenarios/small.yaml', seeds: [1, 2, 3, 4, 5, 6] });
const results = runAll(plan);

describe('a sweep, run in process', () => {
  it('runs every variant with every seed, in the plan\'s order', () => {
    expect(results.map((result) => `${result.seed}/${result.variant}`)).toEqual(
      [1, 2, 3, 4, 5, 6].flatMap((seed) => [`${seed}/patient`, `${seed}/impatient`]),
    );
    expect(results.every((result) => result.error === null && result.migrations.length === 2)).toBe(true);
  });

  it('is paired: one seed draws the same number of faults for every variant, another seed other faults', () => {
    for (const seed of plan.seeds) {
      const [patient, impatient] = results.filter((result) => result.seed === seed);
      expect(impatient!.drawnFaults).toBe(patient!.drawnFaults);
    }
    expect(new Set(results.map((result) => result.drawnFaults)).size).toBeGreaterThan(1);
  });

  it('gives a byte-identical summary whatever order the results came in', () => {
    const summary = renderSummaryJson(summarizeSweep(plan, results));
    const shuffled = [...results].reverse();
    shuffled.push(shuffled.splice(3, 1)[0]!);
    expect(renderSummaryJson(summarizeSweep(plan, shuffled))).toBe(summary);
    expect(renderSummaryJson(summarizeSweep(plan, runAll(plan)))).toBe(summary);
  });

  it('counts outcomes per migration and failing runs per run, and lists each failing run with the command that reproduces it', () => {
    const summary = summarizeSweep(plan, results);
    const patient = summary.groups.find((group) => group.variant === 'patient')!;
    expect(patient.runs).toBe(6);
    expect(patient.migrations).toBe(12);
    const outcomeCount = Object.entries(patient.outcomes).filter(([name]) => name !== 'lost').reduce((sum, [, p]) => sum + p.count, 0);
    expect(outcomeCount).toBe(12);
    const failing = results.filter((result) => failedChecks(result).length > 0);
    expect(summary.failures.map((failure) => `${failure.seed}/${failure.variant}`)).toEqual(failing.map((result) => `${result.seed}/${result.variant}`));
    expect(failing.length).toBeGreaterThan(0);
    expect(summary.failures[0]!.command).toBe(`migsim simulate scenarios/small.yaml --seed ${failing[0]!.seed} --variant ${failing[0]!.variant}`);
    expect(patient.failingRuns.any.count).toBe(failing.filter((result) => result.variant === 'patient').length);
    expect(summary.paired).toHaveLength(1);
    expect(summary.paired[0]).toMatchObject({ baseline: 'patient', variant: 'impatient' });
    expect(summary.paired[0]!.metrics.failing.n).toBe(6);
  });

  it('writes one CSV row per run and migration, with the --set columns after the cell', () => {
    const withSet = planSweep({ scenarioText: smallChaosScenarioText(), fileName: 'small.yaml', seeds: [3], sets: [parseSetOption('policy.retries.max=0,2')] });
    const csv = renderRunsCsv(withSet, runAll(withSet)).trimEnd().split('\n');
    expect(csv[0]).toBe(
      'cell,policy.retries.max,seed,variant,migration,vm,source,destination,outcome,attempts,total_time_ms,downtime_ms,transferred_bytes,lost_vcpu_s,recoveries,time_to_95_ms,recovered_95,vm_lost,safety,liveness,failed_checks',
    );
    expect(csv).toHaveLength(1 + 2 * 2 * 2);
    expect(csv[1]).toMatch(/^0,0,3,patient,drain-src-1\/vm-1,vm-1,src-1,dst-[12],(completed|failed|cancelled|aborted|unfinished),\d+,/);
    expect(csv.slice(5).every((line) => line.startsWith('1,2,3,'))).toBe(true);
  });

  it('prints each variant\'s outcomes, the paired differences and the failing runs', () => {
    const text = renderSummaryText(summarizeSweep(plan, results));
    expect(text).toMatch(/^migsim sweep: small-chaos \(scenarios\/small\.yaml\) · 6 seeds \(1\.\.6\) · 2 variants · 12 runs\n/);
    expect(text).toMatch(/\n {2}patient +6 +\d+\.\d % \[/);
    expect(text).toContain('  paired with patient (same seeds, same faults, same workload), mean difference [95 % interval]:\n    impatient: completed ');
    expect(text).toMatch(/\nFailing runs: \d+ of 12 \(0 failing safety or not finishing\)/);
  });

  it('a run the engine cannot finish is a failing run of its own kind, not the end of the sweep', () => {
    const broken = planSweep({ scenarioText: smallChaosScenarioText(), fileName: 'small.yaml', seeds: [1], variants: ['patient'] });
    const result = executeRun({ ...runTasksOf(broken)[0]!, seed: 2 ** 40 }, new ScenarioCache());
    expect(result.error).toMatchObject({ code: 'ENGINE_INVALID_OPTION' });
    expect(failedChecks(result)).toEqual([{ name: 'engine-error: ENGINE_INVALID_OPTION', kind: 'engine-error', category: 'error', passed: false, detail: expect.stringContaining('seed must be an integer') }]);
  });
});
