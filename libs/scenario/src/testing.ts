/**
 * Test builders for code that consumes scenarios: a small valid document to
 * patch, and helpers that return problem lines instead of throwing.
 */
import { loadScenario, parseScenarioObject } from './load-scenario';
import { ScenarioError } from './errors/scenario-error';
import type { Scenario } from './model/scenario';

/** A small valid scenario: two hosts, one VM, one migration. A fresh object each call. */
export function minimalScenarioDocument(): Record<string, unknown> {
  return {
    name: 'minimal',
    horizon: '60s',
    hosts: [
      { name: 'src-1', link: '10Gbps', memory: '64GiB' },
      { name: 'dst-1', link: '10Gbps', memory: '64GiB' },
    ],
    vms: [{ name: 'vm-1', host: 'src-1', memory: '4GiB', vcpus: 2, workload: { pattern: 'uniform', writeWorkingSet: '1GiB', dirtyRate: '10MB/s' } }],
    migrations: [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s' }],
  };
}

/**
 * The minimal document with top-level keys replaced by `patch` (a key set to
 * undefined is removed), validated and normalised.
 */
export function scenarioFrom(patch: Record<string, unknown> = {}, fileName = 'test.yaml'): Scenario {
  return parseScenarioObject(patchDocument(patch), fileName);
}

export function patchDocument(patch: Record<string, unknown>): Record<string, unknown> {
  const document = { ...minimalScenarioDocument(), ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete document[key];
  return document;
}

/** The formatted problem lines of loading `text` (empty when it loads). Rethrows anything but a ScenarioError. */
export function problemLinesOfText(text: string, fileName = 'test.yaml'): string[] {
  return problemLines(() => loadScenario(text, fileName));
}

/** The formatted problem lines of a patched minimal document (empty when it loads). */
export function problemLinesOf(patch: Record<string, unknown>, fileName = 'test.yaml'): string[] {
  return problemLines(() => scenarioFrom(patch, fileName));
}

function problemLines(load: () => Scenario): string[] {
  try {
    load();
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.format().split('\n');
    throw error;
  }
}
