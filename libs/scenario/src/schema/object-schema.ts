import { didYouMean } from '../errors/did-you-mean';
import { describeFound, isMapping, Issues, type Path } from './issues';
import { INVALID, Schema, type Invalid, type JsonSchema } from './schema';

export type FieldMode = 'required' | 'optional' | 'defaulted';

/** One key of a mapping: its schema, whether it must be written, and its documentation. */
export interface Field<T, M extends FieldMode = FieldMode> {
  readonly schema: Schema<T>;
  readonly mode: M;
  readonly description: string;
  /** For `defaulted`: the default, written as a user would write it (e.g. "0.1ms"). */
  readonly defaultInput?: unknown;
  /** For `optional`: how the value is chosen when absent (documented, applied later). */
  readonly defaultNote?: string;
}

export const field = {
  /** The key must be written. */
  required<T>(schema: Schema<T>, description: string): Field<T, 'required'> {
    return { schema, mode: 'required', description };
  },
  /** The key may be left out; `defaultNote` says what is used then (it depends on other fields). */
  optional<T>(schema: Schema<T>, description: string, defaultNote?: string): Field<T, 'optional'> {
    return defaultNote === undefined ? { schema, mode: 'optional', description } : { schema, mode: 'optional', description, defaultNote };
  },
  /** The key may be left out; `defaultInput` is then parsed as if it had been written. */
  defaulted<T>(schema: Schema<T>, defaultInput: unknown, description: string): Field<T, 'defaulted'> {
    return { schema, mode: 'defaulted', description, defaultInput };
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fields = Record<string, Field<any>>;

type FieldValue<F> = F extends Field<infer T> ? T : never;
type PresentKeys<F extends Fields> = { [K in keyof F]: F[K]['mode'] extends 'optional' ? never : K }[keyof F];
type AbsentKeys<F extends Fields> = { [K in keyof F]: F[K]['mode'] extends 'optional' ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The parsed value of a mapping: defaulted keys are always present. */
export type ObjectValue<F extends Fields> = Simplify<
  { [K in PresentKeys<F>]: FieldValue<F[K]> } & { [K in AbsentKeys<F>]?: FieldValue<F[K]> }
>;

export interface ObjectOptions {
  /** What the mapping is, completing "expected ...": e.g. "a host". */
  readonly noun: string;
  readonly description?: string;
  /** Groups of keys of which exactly one must be written (e.g. a fault's `at` or `when`). */
  readonly exactlyOneOf?: readonly (readonly string[])[];
  /** For the schema of a variant's override: the schema it overrides. */
  readonly overrideOf?: ObjectSchema<Fields>;
}

/** A mapping with a closed set of keys: unknown keys are errors. */
export class ObjectSchema<F extends Fields> extends Schema<ObjectValue<F>> {
  readonly expectation: string;
  private readonly defaults = new Map<string, unknown>();

  constructor(
    readonly fields: F,
    readonly options: ObjectOptions,
  ) {
    super();
    this.expectation = `${options.noun} (a mapping)`;
  }

  get keys(): string[] {
    return Object.keys(this.fields);
  }

  parse(input: unknown, path: Path, issues: Issues): ObjectValue<F> | Invalid {
    if (!isMapping(input)) {
      issues.add(path, describeFound(input), this.expectation);
      return INVALID;
    }
    const issuesBefore = issues.count;
    const output: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      const entry = Object.hasOwn(this.fields, key) ? this.fields[key] : undefined;
      if (entry === undefined) {
        issues.add([...path, key], `unknown key "${key}"`, `one of ${this.keys.join(', ')}`, didYouMean(key, this.keys));
        continue;
      }
      const value = entry.schema.parse(input[key], [...path, key], issues);
      if (value !== INVALID) output[key] = value;
    }
    for (const [key, entry] of Object.entries(this.fields)) {
      if (Object.hasOwn(input, key)) continue;
      if (entry.mode === 'required') issues.add([...path, key], 'nothing', `${entry.schema.expectation} (the key is required)`);
      else if (entry.mode === 'defaulted') output[key] = this.defaultValue(key, entry);
    }
    for (const group of this.options.exactlyOneOf ?? []) {
      const written = group.filter((key) => Object.hasOwn(input, key));
      if (written.length === 1) continue;
      const found =
        written.length === 0
          ? group.length === 2 ? `neither ${group.join(' nor ')}` : `none of ${group.join(', ')}`
          : written.length === 2 ? `both ${written.join(' and ')}` : `all of ${written.join(', ')}`;
      issues.add(path, found, `exactly one of ${group.join(' or ')}`);
    }
    return issues.count === issuesBefore ? (output as ObjectValue<F>) : INVALID;
  }

  /** Parses a default once; a default that does not parse is a bug in the declaration. */
  private defaultValue(key: string, entry: Field<unknown>): unknown {
    if (!this.defaults.has(key)) {
      const scratch = new Issues();
      const value = entry.schema.parse(entry.defaultInput, [key], scratch);
      if (value === INVALID) throw new Error(`default of "${key}" does not satisfy its own schema`);
      this.defaults.set(key, value);
    }
    return structuredCloneValue(this.defaults.get(key));
  }

  jsonSchema(): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [key, entry] of Object.entries(this.fields)) {
      properties[key] = {
        ...entry.schema.jsonSchema(),
        description: describeField(entry),
        ...(entry.mode === 'defaulted' ? { default: entry.defaultInput } : {}),
      };
    }
    const required = Object.entries(this.fields)
      .filter(([, entry]) => entry.mode === 'required')
      .map(([key]) => key);
    const groups = this.options.exactlyOneOf ?? [];
    return {
      type: 'object',
      ...(this.options.description === undefined ? {} : { description: this.options.description }),
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: false,
      ...(groups.length === 1 ? { oneOf: (groups[0] ?? []).map((key) => ({ required: [key] })) } : {}),
      ...(groups.length > 1 ? { allOf: groups.map((group) => ({ oneOf: group.map((key) => ({ required: [key] })) })) } : {}),
    };
  }

  override partial(): Schema<unknown> {
    return this.partialWithout([]);
  }

  /** Every key optional and without default, recursively; `omit` keys are not accepted at all. */
  partialWithout(omit: readonly string[]): ObjectSchema<Fields> {
    const fields: Fields = {};
    for (const [key, entry] of Object.entries(this.fields)) {
      if (omit.includes(key)) continue;
      fields[key] = field.optional(entry.schema.partial(), entry.description);
    }
    return new ObjectSchema(fields, { noun: `an override of ${this.options.noun}`, overrideOf: this as unknown as ObjectSchema<Fields> });
  }
}

/** The documentation line of a field, with its default. */
export function describeField(entry: Field<unknown>): string {
  if (entry.mode === 'defaulted') return `${entry.description} Default: ${JSON.stringify(entry.defaultInput)}.`;
  if (entry.mode === 'optional' && entry.defaultNote !== undefined) return `${entry.description} Default: ${entry.defaultNote}.`;
  if (entry.mode === 'required') return `${entry.description} Required.`;
  return entry.description;
}

/** Defaults are shared between parses: hand out copies so one scenario cannot alter another. */
function structuredCloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(structuredCloneValue) as T;
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = structuredCloneValue(inner);
    return copy as T;
  }
  return value;
}
