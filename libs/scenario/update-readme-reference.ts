/**
 * Rewrites the field reference of README.md from the scenario declaration.
 * Run: npx tsx --conditions=development libs/scenario/update-readme-reference.ts
 * (src/reference-doc.spec.ts fails while the README is out of date).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REFERENCE_END, REFERENCE_START, scenarioReferenceMarkdown } from './src/reference-doc';

const readmePath = fileURLToPath(new URL('./README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(REFERENCE_START);
const end = readme.indexOf(REFERENCE_END);
if (start < 0 || end < start) throw new Error(`README.md needs the markers ${REFERENCE_START} and ${REFERENCE_END}`);
const updated = `${readme.slice(0, start + REFERENCE_START.length)}\n\n${scenarioReferenceMarkdown()}\n${readme.slice(end)}`;
writeFileSync(readmePath, updated);
process.stdout.write(updated === readme ? 'README.md reference already up to date\n' : 'README.md reference updated\n');
