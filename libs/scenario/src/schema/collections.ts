import { describeFound, isMapping, type Issues, type Path } from './issues';
import { NameSchema } from './primitives';
import { INVALID, Schema, type Invalid, type JsonSchema } from './schema';

/** A list; every item is checked so all problems are reported at once. */
export class ArraySchema<T> extends Schema<T[]> {
  readonly expectation: string;

  constructor(
    readonly items: Schema<T>,
    readonly noun: string,
    readonly minItems = 0,
    /** A longer list is refused before its items are read. */
    readonly maxItems?: number,
  ) {
    super();
    const atLeast = minItems > 0 ? `at least ${minItems} ${minItems === 1 ? 'entry' : 'entries'}` : '';
    const atMost = maxItems === undefined ? '' : `at most ${maxItems.toLocaleString('en-US')} entries`;
    const bounds = [atLeast, atMost].filter((text) => text !== '').join(' and ');
    this.expectation = bounds === '' ? `a list of ${noun}` : `a list of ${noun} with ${bounds}`;
  }

  parse(input: unknown, path: Path, issues: Issues): T[] | Invalid {
    if (!Array.isArray(input) || input.length < this.minItems) {
      issues.add(path, Array.isArray(input) ? 'an empty list' : describeFound(input), this.expectation);
      return INVALID;
    }
    if (this.maxItems !== undefined && input.length > this.maxItems) {
      issues.add(path, `a list of ${input.length.toLocaleString('en-US')} entries`, this.expectation);
      return INVALID;
    }
    const output: T[] = [];
    let valid = true;
    input.forEach((item: unknown, index) => {
      const value = this.items.parse(item, [...path, index], issues);
      if (value === INVALID) valid = false;
      else output.push(value);
    });
    return valid ? output : INVALID;
  }

  jsonSchema(): JsonSchema {
    return {
      type: 'array',
      items: this.items.jsonSchema(),
      ...(this.minItems > 0 ? { minItems: this.minItems } : {}),
      ...(this.maxItems === undefined ? {} : { maxItems: this.maxItems }),
    };
  }
}

/**
 * A mapping from names to values, e.g. a variant's `hosts: { src-1: {...} }`.
 * Which names are valid is a cross-reference check made later.
 */
export class RecordSchema<T> extends Schema<Record<string, T>> {
  readonly expectation: string;
  private readonly keyName = new NameSchema('template');

  constructor(
    readonly values: Schema<T>,
    readonly noun: string,
  ) {
    super();
    this.expectation = `a mapping from names to ${noun}`;
  }

  parse(input: unknown, path: Path, issues: Issues): Record<string, T> | Invalid {
    if (!isMapping(input)) {
      issues.add(path, describeFound(input), this.expectation);
      return INVALID;
    }
    const output: Record<string, T> = {};
    let valid = true;
    for (const [key, item] of Object.entries(input)) {
      const name = this.keyName.parse(key, [...path, key], issues);
      const value = this.values.parse(item, [...path, key], issues);
      if (name === INVALID || value === INVALID) valid = false;
      else output[key] = value;
    }
    return valid ? output : INVALID;
  }

  jsonSchema(): JsonSchema {
    return { type: 'object', propertyNames: this.keyName.jsonSchema(), additionalProperties: this.values.jsonSchema() };
  }
}
