import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyMutation, mutationArbitrary } from './scenario-mutations';

const scenariosDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'scenarios');
const shipped = readdirSync(scenariosDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => parse(readFileSync(join(scenariosDir, name), 'utf8')) as unknown);

describe('the scenario mutations of the CLI property test', () => {
  it('apply in any order to every shipped scenario: a mutation may retype what a later one edits (a VM made a number, then grown)', () => {
    fc.assert(
      fc.property(fc.nat({ max: shipped.length - 1 }), fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }), (which, mutations) => {
        const result = mutations.reduce(applyMutation, shipped[which]);
        expect(() => JSON.stringify(result)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('the sequence that once threw: a VM retyped to a number, then made a 64 GiB VM', () => {
    const base = shipped.find((document) => (document as { name?: string }).name === 'dirty-rate-probe');
    const mutations = [
      { type: 'retype', at: 433, value: 1.5 },
      { type: 'big-vm', at: 9988, memory: '64GiB' },
    ] as const;
    expect(() => mutations.reduce(applyMutation, base)).not.toThrow();
  });
});
