import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioSchema } from './document/scenario-schema';
import { scenarioJsonSchema } from './json-schema';
import { ArraySchema, RecordSchema } from './schema/collections';
import { ObjectSchema, type Fields } from './schema/object-schema';
import type { Schema } from './schema/schema';
import { EitherSchema, KeyedUnionSchema, TaggedUnionSchema } from './schema/unions';
import { minimalScenarioDocument, patchDocument } from './testing';

/**
 * A deliberately tiny JSON Schema validator, enough for the keywords the
 * scenario schema uses. Any other keyword throws, so the schema cannot start
 * relying on something this test would silently ignore.
 */
type JsonSchema = Record<string, unknown>;
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', 'examples']);

function validate(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  for (const [keyword, argument] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case 'type': {
        const types = Array.isArray(argument) ? (argument as string[]) : [argument as string];
        if (!types.some((type) => hasType(value, type))) errors.push(`${path}: not ${types.join('|')}`);
        break;
      }
      case 'enum':
        if (!(argument as unknown[]).includes(value)) errors.push(`${path}: not in enum`);
        break;
      case 'const':
        if (value !== argument) errors.push(`${path}: not ${String(argument)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(argument as string, 'u').test(value)) errors.push(`${path}: does not match ${String(argument)}`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (argument as number)) errors.push(`${path}: below minimum`);
        break;
      case 'exclusiveMinimum':
        if (typeof value === 'number' && value <= (argument as number)) errors.push(`${path}: not above exclusiveMinimum`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (argument as number)) errors.push(`${path}: above maximum`);
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (argument as number)) errors.push(`${path}: too few items`);
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > (argument as number)) errors.push(`${path}: too many items`);
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((item, index) => errors.push(...validate(argument as JsonSchema, item, `${path}[${index}]`)));
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [key, inner] of Object.entries(argument as Record<string, JsonSchema>)) {
            if (key in value) errors.push(...validate(inner, value[key], `${path}.${key}`));
          }
        }
        break;
      case 'required':
        if (isObject(value)) for (const key of argument as string[]) if (!(key in value)) errors.push(`${path}: missing ${key}`);
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const known = Object.keys((schema['properties'] as Record<string, unknown> | undefined) ?? {});
          for (const [key, inner] of Object.entries(value)) {
            if (known.includes(key)) continue;
            if (argument === false) errors.push(`${path}: unknown key ${key}`);
            else errors.push(...validate(argument as JsonSchema, inner, `${path}.${key}`));
          }
        }
        break;
      case 'propertyNames':
        if (isObject(value)) for (const key of Object.keys(value)) errors.push(...validate(argument as JsonSchema, key, `${path}{${key}}`));
        break;
      case 'oneOf': {
        const matches = (argument as JsonSchema[]).filter((option) => validate(option, value, path).length === 0).length;
        if (matches !== 1) errors.push(`${path}: matches ${matches} of oneOf`);
        break;
      }
      case 'anyOf':
        if (!(argument as JsonSchema[]).some((option) => validate(option, value, path).length === 0)) errors.push(`${path}: matches none of anyOf`);
        break;
      case 'allOf':
        for (const option of argument as JsonSchema[]) errors.push(...validate(option, value, path));
        break;
      default:
        throw new Error(`the tiny validator does not know the keyword ${keyword} (at ${path})`);
    }
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SCENARIOS_DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const shipped = readdirSync(SCENARIOS_DIR).filter((file) => file.endsWith('.yaml'));
const jsonSchema = scenarioJsonSchema();

describe('JSON Schema of the scenario file', () => {
  it('is draft 2020-12', () => {
    expect(jsonSchema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it.each(shipped)('accepts the shipped scenario %s', (file) => {
    expect(validate(jsonSchema, parse(readFileSync(`${SCENARIOS_DIR}${file}`, 'utf8')))).toEqual([]);
  });

  it('accepts the minimal test document', () => {
    expect(validate(jsonSchema, minimalScenarioDocument())).toEqual([]);
  });

  it.each([
    ['an unknown key', { colour: 'blue' }],
    ['a size without a known unit', { vms: [{ name: 'vm-1', host: 'src-1', memory: '16 gigs', workload: { dirtyRate: 0 } }] }],
    ['a misspelt enum value', { hosts: [{ name: 'src-1', link: '1Gbps', kernel: { recovery: 'zap-rmpa' } }] }],
    ['a fault with both at and when', { faults: [{ kind: 'link-down', host: 'src-1', at: '5s', when: { migration: 'm1', phase: 'setup' } }] }],
    ['a fault with neither at nor when', { faults: [{ kind: 'link-down', host: 'src-1' }] }],
    ['an unknown fault kind', { faults: [{ kind: 'meteor', at: '5s' }] }],
    ['a missing required key', { horizon: undefined }],
    ['a duration without a unit', { horizon: 60 }],
    ['a fraction above one', { checks: [{ kind: 'recovers', vm: 'vm-1', within: '1m', to: 95 }] }],
  ])('rejects a document with %s, as the loader does', (_what, patch) => {
    expect(validate(jsonSchema, patchDocument(patch)).length).toBeGreaterThan(0);
  });

  it('describes every key, so editors show help for each', () => {
    const undocumented: string[] = [];
    walkProperties(jsonSchema, '', (path, property) => {
      if (typeof property['description'] !== 'string' || property['description'] === '') undocumented.push(path);
    });
    expect(undocumented).toEqual([]);
  });

  it('holds every key the loader accepts, at the same place', () => {
    const loaderKeys = new Set<string>();
    walkDeclaration(scenarioSchema, '', loaderKeys);
    const schemaKeys = new Set<string>();
    walkProperties(jsonSchema, '', (path) => schemaKeys.add(path));
    expect([...loaderKeys].filter((key) => !schemaKeys.has(key))).toEqual([]);
    expect([...schemaKeys].filter((key) => !loaderKeys.has(key))).toEqual([]);
    expect(loaderKeys.size).toBeGreaterThan(100);
  });
});

/** Every property path of the JSON Schema (`hosts[].kernel.recovery`); union members share their parent's path. */
function walkProperties(schema: unknown, path: string, visit: (path: string, property: JsonSchema) => void): void {
  if (!isObject(schema)) return;
  for (const [key, property] of Object.entries((schema['properties'] as Record<string, JsonSchema> | undefined) ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    visit(childPath, property);
    walkProperties(property, childPath, visit);
  }
  if (isObject(schema['items'])) walkProperties(schema['items'], `${path}[]`, visit);
  if (isObject(schema['additionalProperties'])) walkProperties(schema['additionalProperties'], `${path}.*`, visit);
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    for (const option of (schema[keyword] as unknown[] | undefined) ?? []) walkProperties(option, path, visit);
  }
}

/** The same paths, from the declaration the loader validates with. */
function walkDeclaration(schema: Schema<unknown>, path: string, keys: Set<string>): void {
  if (schema instanceof ObjectSchema) {
    for (const [key, entry] of Object.entries((schema as ObjectSchema<Fields>).fields)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      keys.add(childPath);
      walkDeclaration(entry.schema, childPath, keys);
    }
  } else if (schema instanceof ArraySchema) walkDeclaration(schema.items, `${path}[]`, keys);
  else if (schema instanceof RecordSchema) walkDeclaration(schema.values, `${path}.*`, keys);
  else if (schema instanceof EitherSchema) {
    walkDeclaration(schema.first, path, keys);
    walkDeclaration(schema.second, path, keys);
  } else if (schema instanceof TaggedUnionSchema || schema instanceof KeyedUnionSchema) {
    if (schema instanceof TaggedUnionSchema) keys.add(path === '' ? schema.tag : `${path}.${schema.tag}`);
    for (const member of Object.values(schema.members as Record<string, Schema<unknown>>)) walkDeclaration(member, path, keys);
  }
}
