import { checkFields, checks, formatIssues, transportError, type FieldCheck, type FieldSpec } from '@migsim/transport';
import { fieldsOf, isPlainObject, malformed } from './decode-error';

/**
 * The small vocabulary the cluster-message validators are written in.
 *
 * A `Decoder<T>` checks a parsed JSON value at `path` and returns it typed
 * (the value itself: nothing is copied), or throws `MESSAGE_MALFORMED`
 * naming the path. An object decoder is built from a `Spec<T>`: one `Rule`
 * per field of T. The compiler holds a spec to its interface three ways:
 * every field has a rule, no rule names a field T lacks, and each rule
 * accepts exactly the field's type (a `Rule<V>` is invariant in V, so
 * `oneOf('a', 'b')` does not fit a field typed `'a' | 'b' | 'c'`, and an
 * optional field needs `optional(...)`). A change to a message in
 * libs/cluster therefore stops this library compiling until its validator
 * follows.
 *
 * Scalar rules wrap libs/transport's `checks`, and an object's scalar
 * fields are checked by its `checkFields` (all of one object's problems in
 * one message, unknown fields refused); nested objects, arrays and unions
 * decode themselves at their own path.
 */
export type Decoder<T> = (value: unknown, path: string) => T;

export interface Rule<V> {
  /** A scalar field: libs/transport's check (undefined when it fits, else what was expected). */
  readonly check: FieldCheck | null;
  /** A nested field (object, array, union): decodes itself at its own path. */
  readonly decode: Decoder<V> | null;
  /** What a nested rule expects first ("an object", "an array"), for `nullable`. */
  readonly expected: string;
  /** Never set: makes `Rule<V>` invariant in V. */
  readonly _type?: (value: V) => V;
}

/** A field that may be absent (`field?: V`). */
export interface OptionalRule<V> {
  readonly optional: Rule<V>;
  readonly _type?: (value: V) => V;
}

/** One rule per field of T: optional fields take an `OptionalRule`, required ones a `Rule` of exactly their type. */
export type Spec<T> = {
  readonly [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? OptionalRule<Exclude<T[K], undefined>> : Rule<T[K]>;
};

/**
 * For the decoders written by hand (the page-batch path): every field of T
 * and whether it may be absent, so a field added to or made optional in T
 * stops this library compiling until its decoder follows.
 */
export type FieldPresence<T> = {
  readonly [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? 'optional' : 'required';
};

/** The names a `FieldPresence` lists, and how many of them are required. */
export function fieldNames<T>(presence: FieldPresence<T>): { readonly all: ReadonlySet<string>; readonly requiredCount: number } {
  const entries = Object.entries(presence as Record<string, 'optional' | 'required'>);
  return { all: new Set(entries.map(([key]) => key)), requiredCount: entries.filter(([, how]) => how === 'required').length };
}

export function scalar<V>(check: FieldCheck): Rule<V> {
  return { check, decode: null, expected: '' };
}

export function nested<V>(decode: Decoder<V>, expected: string): Rule<V> {
  return { check: null, decode, expected };
}

export function optional<V>(rule: Rule<V>): OptionalRule<V> {
  return { optional: rule };
}

// ---- scalars ------------------------------------------------------------------

export const anyString = scalar<string>(checks.string);
export const nonEmptyString = scalar<string>(checks.nonEmptyString);
export const bool = scalar<boolean>((value) => (typeof value === 'boolean' ? undefined : 'a boolean'));

export function integer(min: number, max?: number): Rule<number> {
  return scalar(checks.integer(min, max));
}

/** A finite number in [min, max]: times, rates and byte quantities (fluid models send fractions of a byte). */
export function finite(min: number, max = Infinity): Rule<number> {
  const expected = max === Infinity ? `a finite number >= ${min}` : `a number in [${min}, ${max}]`;
  return scalar((value) => (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? undefined : expected));
}

/** One of these strings; pass every member of the field's union (the rule's type must equal the field's). */
export function oneOf<const V extends string>(...allowed: readonly V[]): Rule<V> {
  return scalar(checks.oneOf(...allowed));
}

export function literal<const V extends string>(expected: V): Rule<V> {
  const text = JSON.stringify(expected);
  return scalar((value) => (value === expected ? undefined : text));
}

/** `V | null`: the rule's own check, or null. */
export function nullable<V>(rule: Rule<V>): Rule<V | null> {
  const { check, decode } = rule;
  if (check !== null) {
    return scalar((value) => {
      if (value === null) return undefined;
      const expected = check(value);
      return expected === undefined ? undefined : `${expected} or null`;
    });
  }
  const decodeValue = decode!;
  const expected = `${rule.expected} or null`;
  return nested((value, path) => {
    if (value === null) return null;
    if (typeof value !== 'object') throw malformed(path, expected, value);
    return decodeValue(value, path);
  }, expected);
}

// ---- nested -------------------------------------------------------------------

interface NestedField {
  readonly key: string;
  readonly decode: Decoder<unknown>;
  readonly optional: boolean;
}

/**
 * An object with exactly the fields of `spec`: scalar fields through
 * `checkFields` (unknown fields refused there), then each nested field at
 * `<path>.<key>`, then `crossCheck` for rules that span fields.
 */
export function objectOf<T>(spec: Spec<T>, crossCheck?: (value: T, path: string) => void): Decoder<T> {
  const flat: Record<string, FieldSpec> = {};
  const nestedFields: NestedField[] = [];
  for (const [key, entry] of Object.entries(spec as Record<string, Rule<unknown> | OptionalRule<unknown>>)) {
    const isOptional = 'optional' in entry;
    const rule = isOptional ? entry.optional : entry;
    if (rule.check !== null) flat[key] = isOptional ? checks.optional(rule.check) : rule.check;
    else nestedFields.push({ key, decode: rule.decode!, optional: isOptional });
  }
  const ignore = nestedFields.map((field) => field.key);
  return (value, path) => {
    const fields = fieldsOf(value, path);
    const issues = checkFields(fields, flat, { path, ignore });
    if (issues.length > 0) throw transportError('MESSAGE_MALFORMED', formatIssues(issues));
    for (const field of nestedFields) {
      const fieldValue = fields[field.key];
      if (fieldValue === undefined && field.optional) continue;
      field.decode(fieldValue, `${path}.${field.key}`);
    }
    const typed = value as T;
    crossCheck?.(typed, path);
    return typed;
  };
}

export function object<T>(spec: Spec<T>, crossCheck?: (value: T, path: string) => void): Rule<T> {
  return nested(objectOf(spec, crossCheck), 'an object');
}

/** An array whose every element `element` accepts, at `<path>[i]`. */
export function arrayOf<V>(element: Decoder<V>): Rule<V[]> {
  return nested((value, path) => {
    if (!Array.isArray(value)) throw malformed(path, 'an array', value);
    for (let i = 0; i < value.length; i++) element(value[i], `${path}[${i}]`);
    return value as V[];
  }, 'an array');
}

/** An array of integers >= min (a plain loop: no closure per element). */
export function integerArray(min: number): Rule<number[]> {
  const expected = `an integer >= ${min}`;
  return nested((value, path) => {
    if (!Array.isArray(value)) throw malformed(path, 'an array', value);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (!Number.isSafeInteger(item) || (item as number) < min) throw malformed(`${path}[${i}]`, expected, item);
    }
    return value as number[];
  }, 'an array');
}

/** A union of object shapes told apart by one string field (`{ type: 'elapsed', ... } | { type: 'round', ... }`). */
export function taggedUnion<T extends Record<D, string>, D extends string>(
  tag: D,
  decoders: { readonly [V in T[D]]: Decoder<Extract<T, Record<D, V>>> },
): Rule<T> {
  const table = decoders as Readonly<Record<string, Decoder<T>>>;
  const expected = `one of ${Object.keys(table).join(', ')}`;
  return nested((value, path) => {
    if (!isPlainObject(value)) throw malformed(path, 'an object', value);
    const variant = value[tag];
    if (typeof variant !== 'string' || !Object.hasOwn(table, variant)) throw malformed(`${path}.${tag}`, expected, variant);
    return table[variant]!(value, path);
  }, 'an object');
}
