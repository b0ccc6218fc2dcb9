import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioSchema } from './document/scenario-schema';
import { REFERENCE_END, REFERENCE_START, scenarioReferenceMarkdown } from './reference-doc';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

describe('the README field reference', () => {
  it('is the one generated from the declaration the loader validates with (regenerate: npx tsx --conditions=development libs/scenario/update-readme-reference.ts)', () => {
    const start = readme.indexOf(REFERENCE_START) + REFERENCE_START.length;
    const end = readme.indexOf(REFERENCE_END);
    expect(readme.slice(start, end).trim()).toBe(scenarioReferenceMarkdown().trim());
  });

  it('lists every top-level key with its default', () => {
    const reference = scenarioReferenceMarkdown();
    for (const key of scenarioSchema.keys) expect(reference).toContain(`| \`${key}\` |`);
    expect(reference).toContain('| `completionTimeoutPerGiB` | duration | `150` |');
    expect(reference).toContain('| `latency` | duration | `"0.1ms"` |');
  });
});
