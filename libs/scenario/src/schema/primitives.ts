import { didYouMean } from '../errors/did-you-mean';
import { describeFound, type Issues, type Path } from './issues';
import { INVALID, Schema, type Invalid, type JsonSchema } from './schema';

/** Free text (descriptions). */
export class TextSchema extends Schema<string> {
  readonly expectation = 'a text';

  parse(input: unknown, path: Path, issues: Issues): string | Invalid {
    if (typeof input === 'string') return input;
    issues.add(path, describeFound(input), this.expectation);
    return INVALID;
  }

  jsonSchema(): JsonSchema {
    return { type: 'string' };
  }
}

const NAME_BODY = '[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?';
/** Names of scenarios, hosts, VMs, migrations: safe in ids, file names and metric labels. */
export const NAME_PATTERN = `^${NAME_BODY}$`;
/** A name that may hold `{i}`, replaced by 1..count when an entry has a `count`. */
export const NAME_TEMPLATE_PATTERN = `^(?=.*[A-Za-z0-9])[A-Za-z0-9._{}-]{1,63}$`;
/** A migration id, or the id of a migration a plan generates: `<plan id>/<vm>`. */
export const MIGRATION_REF_PATTERN = `^${NAME_BODY}(/${NAME_BODY})?$`;
const NAME = new RegExp(NAME_PATTERN);
const TEMPLATE = /^(?:[A-Za-z0-9._-]|\{i\})+$/;
const MIGRATION_REF = new RegExp(MIGRATION_REF_PATTERN);

export type NameKind = 'name' | 'template' | 'migration-ref';

export class NameSchema extends Schema<string> {
  readonly expectation: string;

  constructor(private readonly kind: NameKind = 'name') {
    super();
    const letters = `letters, digits, '.', '_' and '-'`;
    this.expectation =
      kind === 'template'
        ? `a name of ${letters} (and {i} with count) such as vm-1`
        : kind === 'migration-ref'
          ? `a migration id of ${letters} such as m1, or <plan id>/<vm> such as drain-src-1/vm-1`
          : `a name of ${letters} such as vm-1`;
  }

  parse(input: unknown, path: Path, issues: Issues): string | Invalid {
    if (typeof input === 'string' && this.accepts(input)) return input;
    issues.add(path, describeFound(input), this.expectation);
    return INVALID;
  }

  private accepts(input: string): boolean {
    if (this.kind === 'template') return TEMPLATE.test(input) && NAME.test(input.replaceAll('{i}', '1'));
    if (this.kind === 'migration-ref') return MIGRATION_REF.test(input);
    return NAME.test(input);
  }

  jsonSchema(): JsonSchema {
    const pattern = this.kind === 'template' ? NAME_TEMPLATE_PATTERN : this.kind === 'migration-ref' ? MIGRATION_REF_PATTERN : NAME_PATTERN;
    return { type: 'string', pattern };
  }
}

export class EnumSchema<V extends string> extends Schema<V> {
  readonly expectation: string;

  constructor(
    readonly values: readonly V[],
    /** One line per value, shown by editors and in the README. */
    readonly valueDescriptions: Partial<Record<V, string>> = {},
  ) {
    super();
    this.expectation = values.length === 1 ? `"${values[0]}"` : `one of ${values.join(', ')}`;
  }

  parse(input: unknown, path: Path, issues: Issues): V | Invalid {
    if (typeof input === 'string' && (this.values as readonly string[]).includes(input)) return input as V;
    const hint = typeof input === 'string' ? didYouMean(input, this.values) : undefined;
    issues.add(path, describeFound(input), this.expectation, hint);
    return INVALID;
  }

  jsonSchema(): JsonSchema {
    if (this.values.length === 1) return { const: this.values[0] };
    return { enum: [...this.values] };
  }
}

export interface NumberBounds {
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  above?: number;
}

function describeBounds(kind: string, bounds: NumberBounds): string {
  const { min, max, above } = bounds;
  if (above !== undefined && max !== undefined) return `${kind} above ${above} and at most ${max}`;
  if (above !== undefined) return `${kind} above ${above}`;
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (min !== undefined) return `${kind} of at least ${min}`;
  if (max !== undefined) return `${kind} of at most ${max}`;
  return kind;
}

export class IntegerSchema extends Schema<number> {
  readonly expectation: string;

  constructor(readonly bounds: NumberBounds = {}) {
    super();
    this.expectation = describeBounds('an integer', bounds);
  }

  parse(input: unknown, path: Path, issues: Issues): number | Invalid {
    const { min, max } = this.bounds;
    if (typeof input === 'number' && Number.isSafeInteger(input) && (min === undefined || input >= min) && (max === undefined || input <= max)) {
      return input;
    }
    issues.add(path, describeFound(input), this.expectation);
    return INVALID;
  }

  jsonSchema(): JsonSchema {
    return { type: 'integer', ...(this.bounds.min === undefined ? {} : { minimum: this.bounds.min }), ...(this.bounds.max === undefined ? {} : { maximum: this.bounds.max }) };
  }
}

export class NumberSchema extends Schema<number> {
  readonly expectation: string;

  constructor(readonly bounds: NumberBounds = {}) {
    super();
    this.expectation = describeBounds('a number', bounds);
  }

  parse(input: unknown, path: Path, issues: Issues): number | Invalid {
    const { min, max, above } = this.bounds;
    const inBounds = (value: number): boolean =>
      (min === undefined || value >= min) && (max === undefined || value <= max) && (above === undefined || value > above);
    if (typeof input === 'number' && Number.isFinite(input) && inBounds(input)) return input;
    issues.add(path, describeFound(input), this.expectation);
    return INVALID;
  }

  jsonSchema(): JsonSchema {
    const { min, max, above } = this.bounds;
    return {
      type: 'number',
      ...(min === undefined ? {} : { minimum: min }),
      ...(max === undefined ? {} : { maximum: max }),
      ...(above === undefined ? {} : { exclusiveMinimum: above }),
    };
  }
}

export class BooleanSchema extends Schema<boolean> {
  readonly expectation = 'true or false';

  parse(input: unknown, path: Path, issues: Issues): boolean | Invalid {
    if (typeof input === 'boolean') return input;
    issues.add(path, describeFound(input), this.expectation);
    return INVALID;
  }

  jsonSchema(): JsonSchema {
    return { type: 'boolean' };
  }
}
