import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from './errors/scenario-error';
import { loadScenario, parseScenarioObject } from './load-scenario';
import { isMapping } from './schema/issues';

const FLAGSHIP = fileURLToPath(new URL('../../../scenarios/failed-migration-recovery.yaml', import.meta.url));
const flagshipText = readFileSync(FLAGSHIP, 'utf8');
const flagship = parse(flagshipText) as Record<string, unknown>;

/** Loads, and returns what came out: a scenario, or a ScenarioError. Anything else thrown fails the property. */
function outcome(load: () => unknown): 'loaded' | 'rejected' {
  try {
    load();
    return 'loaded';
  } catch (error) {
    if (error instanceof ScenarioError) {
      expect(error.problems.length).toBeGreaterThan(0);
      for (const problem of error.problems) {
        expect(problem.message).toMatch(/^found .+, expected .+/s);
        // The loader's safety net turns its own crashes into this problem: the fuzz must never reach it.
        expect(problem.found).not.toMatch(/^a document the loader could not process/);
      }
      return 'rejected';
    }
    throw error;
  }
}

/** Every path into a JSON-like value: where a mutation can land. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((item, index) => pathsOf(item, [...prefix, index])));
  if (isMapping(value)) return here.concat(...Object.entries(value).map(([key, item]) => pathsOf(item, [...prefix, key])));
  return here;
}

function replaceAt(document: unknown, path: readonly (string | number)[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const copy: unknown = structuredClone(document);
  let parent: unknown = copy;
  for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[segment];
  const last = path[path.length - 1] as string | number;
  if (remove && Array.isArray(parent)) parent.splice(last as number, 1);
  else if (remove) delete (parent as Record<string, unknown>)[last];
  else (parent as Record<string | number, unknown>)[last] = replacement;
  return copy;
}

/** Values that are valid somewhere in a scenario, so mutations reach the cross-reference checks. */
const plausible = fc.oneof(
  fc.constantFrom('src-1', 'dst-1', 'vm-1', 'm1', 'none', 'round', 'postcopy', 'setup', 'thp', 'hugetlb-1g', 'shadow', 'linux-6.13'),
  fc.constantFrom('0', '1TiB', '16GiB', '1536MiB', '0s', '1000h', '10s', '1Gbps', '0MB/s', '95%', 'vm-{i}', 'drain-src-1/vm-1'),
  fc.constantFrom(0, -1, 1, 3, 2 ** 53, 0.5, true, false, null, {}, []),
  fc.record({ round: fc.integer({ min: -1, max: 5 }) }),
  fc.anything({ maxDepth: 2 }),
);

describe('loading never throws anything but a ScenarioError', () => {
  it('for any JSON-like value', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        expect(outcome(() => parseScenarioObject(value, 'fuzz.yaml'))).toBe('rejected');
      }),
      { numRuns: 300 },
    );
  });

  it('for any text, and for the flagship cut at any point', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.nat({ max: flagshipText.length }).map((end) => flagshipText.slice(0, end))), (text) => {
        outcome(() => loadScenario(text, 'fuzz.yaml'));
      }),
      { numRuns: 300 },
    );
  });

  it('for the flagship with any one value replaced or removed', () => {
    const paths = pathsOf(flagship);
    fc.assert(
      fc.property(fc.constantFrom(...paths), plausible, fc.boolean(), (path, replacement, remove) => {
        outcome(() => parseScenarioObject(replaceAt(flagship, path, replacement, remove), 'fuzz.yaml'));
      }),
      { numRuns: 1500 },
    );
  });

  it('for the flagship with two values replaced', () => {
    const paths = pathsOf(flagship);
    fc.assert(
      fc.property(fc.constantFrom(...paths), plausible, fc.constantFrom(...paths), plausible, (first, a, second, b) => {
        const once = replaceAt(flagship, first, a, false);
        const twice = pathsOf(once).some((path) => path.join('.') === second.join('.')) ? replaceAt(once, second, b, false) : once;
        outcome(() => parseScenarioObject(twice, 'fuzz.yaml'));
      }),
      { numRuns: 800 },
    );
  });
});
