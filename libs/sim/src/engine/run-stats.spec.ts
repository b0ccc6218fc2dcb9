import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJson } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { simulate } from '../simulate';
import type { WorldRunStats } from '../world/world-engine';

const FILE = fileURLToPath(new URL('../../../../scenarios/chaos-policies.yaml', import.meta.url));

function load() {
  return loadScenario(readFileSync(FILE, 'utf8'), 'scenarios/chaos-policies.yaml');
}

function statsOf(variants?: readonly string[]): { report: string; runs: [string, WorldRunStats][] } {
  const runs: [string, WorldRunStats][] = [];
  const report = simulate(load(), { variants, onStats: (variant, stats) => runs.push([variant, stats]) });
  return { report: renderJson(report), runs };
}

describe("simulate's onStats", () => {
  it('reports each variant once, in order, with what its run took; the same every time, and the report does not change', () => {
    const { report, runs } = statsOf();
    const names = load().variants.map((variant) => variant.name);
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(runs.map(([variant]) => variant)).toEqual(names);
    for (const [, stats] of runs) {
      expect(stats.steps).toBeGreaterThan(0);
      expect(stats.windows).toBeGreaterThan(0);
      // A window holds at least one step; page batches are a part of the messages.
      expect(stats.windows).toBeLessThanOrEqual(stats.steps);
      expect(stats.messages).toBeGreaterThan(0);
      expect(stats.lazyMessages).toBeGreaterThan(0);
      expect(stats.lazyMessages).toBeLessThan(stats.messages);
      // Bounds are read where an input changed them or where they limit a window, not after every step.
      expect(stats.boundReads).toBeGreaterThanOrEqual(stats.windows);
      expect(stats.boundReads).toBeLessThan(stats.steps / 4);
    }
    // Different policies over one workload: the runs differ.
    expect(runs[0]![1]).not.toEqual(runs[1]![1]);
    const again = statsOf();
    expect(again.runs).toEqual(runs);
    expect(again.report).toBe(report);
    expect(renderJson(simulate(load()))).toBe(report);
  });

  it('asking every actor for its promise after every step changes nothing in the report', () => {
    const { report } = statsOf();
    expect(renderJson(simulate(load(), { promiseEveryStep: true }))).toBe(report);
  });

  it('reports only the variants run', () => {
    const all = statsOf().runs;
    const { runs } = statsOf([all[1]![0]]);
    expect(runs).toEqual([all[1]]);
  });
});
