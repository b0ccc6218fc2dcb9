import { parse } from 'yaml';
import { SweepInputError } from './sweep-input-error';

/**
 * One `--set path=v1,v2` option: a path into the scenario file and the
 * values a sweep tries there, each run of the sweep getting one value of
 * every `--set` (the grid is their cartesian product).
 *
 * A path is keys joined by dots, as the file nests them:
 * `policy.progressTimeout`, `chaos.host-crash.perRound`. In a list, an entry
 * is named by its `name` or `id` as written (`vms.db-{i}.workload.dirtyRate`,
 * `variants.parallel-4.policy.parallelOutboundMigrationsPerNode`) or by its
 * index (`faults.0.duration`). Values are YAML (`30s`, `150`, `true`,
 * `{ min: 1s, max: 5s }`), separated by commas outside brackets.
 */
export interface SetParameter {
  /** As written: `policy.progressTimeout`. */
  readonly path: string;
  readonly values: readonly SetValue[];
}

export interface SetValue {
  /** As written on the command line: `30s`. */
  readonly text: string;
  /** As YAML reads it. */
  readonly value: unknown;
}

export function parseSetOption(option: string): SetParameter {
  const equals = option.indexOf('=');
  const path = equals < 0 ? option.trim() : option.slice(0, equals).trim();
  if (equals < 0 || path === '') {
    throw new SweepInputError('--set', `found "${option}", expected path=value1,value2,... such as policy.progressTimeout=30s,150s`);
  }
  if (!/^[A-Za-z0-9_{}\-.[\]/]+$/.test(path) || path.split('.').some((segment) => segment === '')) {
    throw new SweepInputError('--set', `found the path "${path}", expected keys joined by dots such as policy.progressTimeout or vms.db-1.workload.dirtyRate`);
  }
  const texts = splitValues(option.slice(equals + 1));
  if (texts.length === 0 || texts.some((text) => text === '')) {
    throw new SweepInputError('--set', `${path}: found "${option.slice(equals + 1)}", expected one or more values separated by commas, such as 30s,150s`);
  }
  const values = texts.map((text) => ({ text, value: parseValue(path, text) }));
  return { path, values };
}

function parseValue(path: string, text: string): unknown {
  try {
    return parse(text, { uniqueKeys: true });
  } catch (error) {
    throw new SweepInputError('--set', `${path}: found "${text}", expected a YAML value (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Splits on commas that are not inside [], {} or quotes. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const char of text) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') depth += 1;
    else if (char === ']' || char === '}') depth -= 1;
    else if (char === ',' && depth === 0) {
      values.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  values.push(current.trim());
  return values;
}

type Json = Record<string, unknown>;

function isMapping(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An entry's name as written (`name`, else `id`), for paths through lists. */
function entryName(entry: unknown): string | undefined {
  if (!isMapping(entry)) return undefined;
  const name = entry['name'] ?? entry['id'] ?? entry['drain'];
  return typeof name === 'string' ? name : undefined;
}

/**
 * Sets `value` at `path` in a parsed scenario document (in place). Missing
 * mappings on the way are created; an entry of a list must exist. The
 * loader then checks the key and the value like any other.
 */
export function applySet(document: Json, path: string, value: unknown): void {
  const segments = path.split('.');
  let cursor: unknown = document;
  const walked: string[] = [];
  for (let i = 0; i < segments.length; ) {
    const last = i === segments.length - 1;
    if (Array.isArray(cursor)) {
      const { index, used } = findEntry(cursor, segments, i, walked);
      i += used;
      walked.push(segments.slice(i - used, i).join('.'));
      if (i === segments.length) {
        cursor[index] = value;
        return;
      }
      cursor = cursor[index];
      continue;
    }
    if (!isMapping(cursor)) {
      throw new SweepInputError('--set', `${path}: ${walked.join('.')} is ${describe(cursor)}, expected a mapping or a list to hold ${segments[i]}`);
    }
    const key = segments[i]!;
    walked.push(key);
    i += 1;
    if (last) {
      cursor[key] = value;
      return;
    }
    if (cursor[key] === undefined || cursor[key] === null) cursor[key] = {};
    cursor = cursor[key];
  }
}

/** The entry of `list` named by the longest run of segments from `start` (names may hold dots), or by its index. */
function findEntry(list: unknown[], segments: readonly string[], start: number, walked: readonly string[]): { index: number; used: number } {
  for (let end = segments.length; end > start; end--) {
    const name = segments.slice(start, end).join('.');
    const index = list.findIndex((entry) => entryName(entry) === name);
    if (index >= 0) return { index, used: end - start };
  }
  const segment = segments[start]!;
  const numeric = /^\[?(\d+)\]?$/.exec(segment);
  if (numeric !== null && Number(numeric[1]) < list.length) return { index: Number(numeric[1]), used: 1 };
  const names = list.map(entryName).filter((name): name is string => name !== undefined);
  const where = walked.join('.');
  const known = names.length > 0 ? `an entry named ${names.join(', ')}` : 'an entry';
  throw new SweepInputError('--set', `${segments.join('.')}: ${where} has no entry "${segment}", expected ${known} or an index from 0 to ${list.length - 1}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === null || value === undefined) return 'empty';
  return String(value);
}
