import { formatIssues, transportError, type TransportError } from '@migsim/transport';

/**
 * How the cluster-message decoders say no: a `TransportError`
 * `MESSAGE_MALFORMED` whose message names the path, what was expected and
 * what was there, in libs/transport's codec format
 * (`$.deliveries[3].message.batch.ranges[2]: expected an integer >= 0, got -1`).
 *
 * Paths are built lazily: the decoders pass the parent path and the key
 * along and join them only when a check fails, so the page-batch path builds
 * a path string per nested object it enters, none per field or element.
 */
export function malformed(path: string, expected: string, value: unknown): TransportError {
  return malformedGot(path, expected, describeValue(value));
}

/** The same, with what was found already described (a length, a sum). */
export function malformedGot(path: string, expected: string, got: string): TransportError {
  return transportError('MESSAGE_MALFORMED', formatIssues([{ path, expected, got }]));
}

/** What was found, short enough for a log line; the same wording as libs/transport's codec errors. */
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

/** A JSON object: not null, not an array, not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `value`'s fields when it is a JSON object; else throws naming `path`. */
export function fieldsOf(value: unknown, path: string): Readonly<Record<string, unknown>> {
  if (!isPlainObject(value)) throw malformed(path, 'an object', value);
  return value;
}

/** Throws for the first own key of `body` that `known` does not hold (an unknown field). */
export function refuseUnknownFields(body: Readonly<Record<string, unknown>>, known: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key)) throw malformed(`${path}.${key}`, 'no such field', body[key]);
  }
}

/** Own enumerable keys of a JSON object, counted without allocating. */
export function fieldCount(body: Readonly<Record<string, unknown>>): number {
  let n = 0;
  for (const _key in body) n++;
  return n;
}
