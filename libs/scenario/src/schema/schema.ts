import type { Issues, Path } from './issues';

/** Returned by `parse` when the value is wrong; the reasons are in `Issues`. */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

export type JsonSchema = { [keyword: string]: unknown };

/**
 * One node of the declarative description of the scenario file. The same
 * description validates documents (`parse`), produces the JSON Schema given to
 * editors (`jsonSchema`) and the field reference of the README, so the three
 * cannot drift apart.
 */
export abstract class Schema<T> {
  /**
   * Checks and converts `input` (units to base units, defaults filled in).
   * Records every issue found below `path` and returns INVALID if any.
   */
  abstract parse(input: unknown, path: Path, issues: Issues): T | Invalid;

  /** Completes "expected ...": e.g. "a size such as 16GiB or 512MiB". */
  abstract readonly expectation: string;

  /** Draft 2020-12 JSON Schema of the accepted input. */
  abstract jsonSchema(): JsonSchema;

  /**
   * The schema of an override of this value in a variant: objects accept any
   * subset of their keys, recursively; everything else is replaced whole.
   */
  partial(): Schema<unknown> {
    return this;
  }
}

/** The parsed value a schema produces. */
export type Infer<S> = S extends Schema<infer T> ? T : never;
