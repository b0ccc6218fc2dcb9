/**
 * Hand-written, precise field checks for message validators: each check
 * returns what it expected when the value does not fit, so an error names the
 * path, the expectation and what was there ("$.round: expected an integer
 * >= 0, got -1").
 */
export interface FieldIssue {
  readonly path: string;
  readonly expected: string;
  readonly got: string;
}

/** Returns undefined when `value` fits, else a description of what was expected. */
export type FieldCheck = (value: unknown) => string | undefined;

/** A check that also accepts an absent field. */
export interface OptionalFieldCheck {
  readonly optional: FieldCheck;
}

export type FieldSpec = FieldCheck | OptionalFieldCheck;

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = `a ${typeof value}`;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isJson(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((item) => isJson(item, depth + 1));
  return false;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const checks = {
  string: ((value) => (typeof value === 'string' ? undefined : 'a string')) as FieldCheck,
  nonEmptyString: ((value) => (typeof value === 'string' && value.length > 0 ? undefined : 'a non-empty string')) as FieldCheck,
  base64: ((value) => (typeof value === 'string' && BASE64.test(value) ? undefined : 'a base64 string')) as FieldCheck,
  /** Any JSON value (null included), e.g. the original body inside a dead letter. */
  json: ((value) => (value !== undefined && isJson(value, 0) ? undefined : 'a JSON value')) as FieldCheck,
  integer(min: number, max = Number.MAX_SAFE_INTEGER): FieldCheck {
    return (value) => (Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`);
  },
  oneOf<T extends string>(...allowed: readonly T[]): FieldCheck {
    return (value) => (typeof value === 'string' && (allowed as readonly string[]).includes(value) ? undefined : `one of ${allowed.join(', ')}`);
  },
  optional(check: FieldCheck): OptionalFieldCheck {
    return { optional: check };
  },
};

/**
 * Checks every field of `body` against `spec` and refuses fields the spec
 * does not name (`ignore` lists fields checked elsewhere, e.g. `v`, `type`).
 */
export function checkFields(
  body: Readonly<Record<string, unknown>>,
  spec: Readonly<Record<string, FieldSpec>>,
  options: { path?: string; ignore?: readonly string[] } = {},
): FieldIssue[] {
  const path = options.path ?? '$';
  const issues: FieldIssue[] = [];
  for (const [key, fieldSpec] of Object.entries(spec)) {
    const value = body[key];
    const isOptional = typeof fieldSpec !== 'function';
    if (value === undefined && isOptional) continue;
    const check = isOptional ? fieldSpec.optional : fieldSpec;
    const expected = check(value);
    if (expected !== undefined) issues.push({ path: `${path}.${key}`, expected, got: describeValue(value) });
  }
  const ignored = new Set(options.ignore ?? []);
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(spec, key) && !ignored.has(key)) issues.push({ path: `${path}.${key}`, expected: 'no such field', got: describeValue(body[key]) });
  }
  return issues;
}

export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.path}: expected ${issue.expected}, got ${issue.got}`).join('; ');
}
