import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseJsonText } from './document/json-text';
import { ScenarioError, ScenarioErrorCode } from './errors/scenario-error';
import { loadScenario } from './load-scenario';

const SCENARIOS_DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const files = readdirSync(SCENARIOS_DIR).filter((file) => file.endsWith('.yaml')).sort();

function errorOf(load: () => unknown): ScenarioError {
  try {
    load();
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('a scenario written as JSON', () => {
  it.each(files)('%s as JSON takes JSON.parse and loads to the same scenario as its YAML', (file) => {
    const yamlText = readFileSync(`${SCENARIOS_DIR}${file}`, 'utf8');
    const jsonText = JSON.stringify(parse(yamlText), null, 1);
    expect(parseJsonText(jsonText)).toEqual({ value: JSON.parse(jsonText) });
    expect(loadScenario(jsonText, `scenarios/${file}`)).toEqual(loadScenario(yamlText, `scenarios/${file}`));
  });

  it('a repeated key, at any depth and however escaped, is refused as YAML refuses it, with its line', () => {
    const text = '{\n "name": "x",\n "horizon": "60s",\n "vms": [{ "name": "a", "na\\u006de": "b" }]\n}\n';
    expect(parseJsonText(text)).toBeUndefined();
    const error = errorOf(() => loadScenario(text, 'dup.json'));
    expect(error.code).toBe(ScenarioErrorCode.Syntax);
    expect(error.problems[0]).toMatchObject({ line: 4, found: expect.stringMatching(/Map keys must be unique/) });
    // Keys equal only once unescaped, in different objects, or inside strings are not repeats.
    expect(parseJsonText('{"a": {"b": 1}, "c": {"b": "\\"b\\": {"}, "d": ["b", "b"]}')).toBeDefined();
    expect(parseJsonText('{"a": 1, "b": {"a": [{"a": 2}]}}')).toBeDefined();
    expect(parseJsonText('{"x": 1, "y": [1, {"x": 2, "y": 3}], "z": 1, "x\\"": 2}')).toBeDefined();
    expect(parseJsonText('{"x": 1, "y": [1, {"x": 2}], "x": 3}')).toBeUndefined();
  });

  it('a problem in a JSON scenario is told with its line and column, as in YAML', () => {
    const text = '{\n "name": "x",\n "horizon": "60 seconds"\n}\n';
    expect(parseJsonText(text)).toBeDefined();
    const error = errorOf(() => loadScenario(text, 'bad.json'));
    expect(error.code).toBe(ScenarioErrorCode.Invalid);
    expect(error.problems[0]).toMatchObject({ path: 'horizon', line: 3, column: 13 });
  });

  it('what is not a JSON object goes to the YAML parser', () => {
    expect(parseJsonText('name: x\n')).toBeUndefined();
    expect(parseJsonText('{ name: x }')).toBeUndefined();
    expect(parseJsonText('[1, 2]')).toBeUndefined();
    expect(parseJsonText('\n  {"a": 1}\n')).toEqual({ value: { a: 1 } });
  });
});
