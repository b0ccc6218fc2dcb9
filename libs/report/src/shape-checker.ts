import type { ReportProblem } from './report-error';

export type JsonObject = Record<string, unknown>;

/**
 * Collects every shape problem of a parsed JSON document, each with the
 * path of the field, what was found and what was expected. Field readers
 * return the value when it has the expected type (so callers can descend)
 * and `undefined` otherwise.
 */
export class ShapeChecker {
  readonly problems: ReportProblem[] = [];

  add(path: string, value: unknown, expected: string): void {
    this.problems.push({ path, found: describeValue(value), expected });
  }

  object(value: unknown, path: string): JsonObject | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
    this.add(path, value, 'an object');
    return undefined;
  }

  objectField(parent: JsonObject, key: string, path: string): JsonObject | undefined {
    return this.object(parent[key], join(path, key));
  }

  string(parent: JsonObject, key: string, path: string, options: { nullable?: boolean; optional?: boolean } = {}): void {
    const value = parent[key];
    if (typeof value === 'string' || (options.nullable && value === null) || (options.optional && value === undefined)) return;
    this.add(join(path, key), value, options.nullable ? 'a string or null' : 'a string');
  }

  number(
    parent: JsonObject,
    key: string,
    path: string,
    options: { nullable?: boolean; optional?: boolean; integer?: boolean; min?: number; max?: number } = {},
  ): void {
    const value = parent[key];
    if (options.nullable && value === null) return;
    if (options.optional && value === undefined) return;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!options.integer || Number.isInteger(value)) &&
      (options.min === undefined || value >= options.min) &&
      (options.max === undefined || value <= options.max);
    if (ok) return;
    let expected = options.integer ? 'a whole number' : 'a number';
    if (options.min !== undefined && options.max !== undefined) expected += ` from ${options.min} to ${options.max}`;
    else if (options.min !== undefined) expected += ` >= ${options.min}`;
    if (options.nullable) expected += ' or null';
    this.add(join(path, key), value, expected);
  }

  boolean(parent: JsonObject, key: string, path: string): void {
    if (typeof parent[key] !== 'boolean') this.add(join(path, key), parent[key], 'true or false');
  }

  oneOf(parent: JsonObject, key: string, path: string, allowed: readonly string[], options: { optional?: boolean } = {}): void {
    const value = parent[key];
    if (options.optional && value === undefined) return;
    if (typeof value === 'string' && allowed.includes(value)) return;
    this.add(join(path, key), value, `one of ${allowed.join(', ')}`);
  }

  /** Checks each element with `each(element, elementPath)`. */
  array(parent: JsonObject, key: string, path: string, each: (element: unknown, elementPath: string) => void): void {
    const value = parent[key];
    const arrayPath = join(path, key);
    if (!Array.isArray(value)) {
      this.add(arrayPath, value, 'an array');
      return;
    }
    value.forEach((element, index) => each(element, `${arrayPath}[${index}]`));
  }
}

function join(path: string, key: string): string {
  if (path === '') return key;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}["${key}"]`;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
