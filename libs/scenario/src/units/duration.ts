import { parseExactDecimal, scaleToInteger } from './exact-decimal';
import { unitError, unitOk, type UnitResult } from './unit-result';

/**
 * Durations in nanoseconds (integers). `300ms`, `10s`, `2m` (minutes), `1h`,
 * `500us` (or `500µs`), `250ns`, and sums such as `1m30s`. A bare number is
 * only accepted where the field's own tradition gives it a unit: QEMU's
 * `downtime-limit` is in milliseconds, KubeVirt's timeouts in seconds.
 */
export const DURATION_UNITS_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  ms: 1000n ** 2n,
  s: 1000n ** 3n,
  m: 60n * 1000n ** 3n,
  h: 3600n * 1000n ** 3n,
};

export type BareNumberUnit = 's' | 'ms';

export const DURATION_EXPECTATION = 'a duration such as 300ms, 10s or 2m';

const unitAlternatives = 'ns|us|µs|ms|s|m|h';
const COMPONENT = `\\d+(?:\\.\\d+)?\\s?(?:${unitAlternatives})`;

/** Shared with the JSON Schema so editors accept exactly what the parser accepts. */
export const DURATION_PATTERN = `^(${COMPONENT})(\\s?${COMPONENT})*$`;

const WHOLE = new RegExp(DURATION_PATTERN);
const COMPONENTS = new RegExp(`(\\d+(?:\\.\\d+)?)\\s?(${unitAlternatives})`, 'g');

/** About 104 days: every duration fits a double exactly in ns. */
const MAX_NS = BigInt(Number.MAX_SAFE_INTEGER);

export interface DurationOptions {
  allowZero?: boolean;
  /** Unit of a bare number, when the field accepts one. */
  bareNumberUnit?: BareNumberUnit;
  /** Longest duration accepted, and why (completes "expected a duration of at most ..."). */
  max?: { ns: number; why: string };
}

/** Completes "expected ..." for a value that is not a duration at all. */
export function durationExpectation(options: DurationOptions): string {
  if (options.bareNumberUnit === 's') return `${DURATION_EXPECTATION}, or a number of seconds`;
  if (options.bareNumberUnit === 'ms') return `${DURATION_EXPECTATION}, or a number of milliseconds`;
  return DURATION_EXPECTATION;
}

/** Completes "expected ..." for a duration that is negative, or zero where zero is not allowed. */
function signExpectation(options: DurationOptions): string {
  return options.allowZero ? 'a duration of zero or more such as 300ms, 10s or 2m' : 'a duration greater than zero such as 300ms, 10s or 2m';
}

export function parseDuration(input: unknown, options: DurationOptions = {}): UnitResult<number> {
  const expected = durationExpectation(options);
  if (typeof input === 'number') {
    if (input === 0 && options.allowZero) return unitOk(0);
    if (!Number.isFinite(input)) return unitError(expected);
    if (!options.bareNumberUnit) return unitError(input === 0 ? signExpectation(options) : `${DURATION_EXPECTATION} (a number needs a unit)`);
    const decimal = parseExactDecimal(String(Math.abs(input)));
    if (!decimal) return unitError(expected);
    return finish(input < 0 ? -1n : scaleToInteger(decimal, DURATION_UNITS_NS[options.bareNumberUnit] ?? 1n), options);
  }
  if (typeof input !== 'string') return unitError(expected);
  const text = input.trim();
  const negative = text.startsWith('-');
  const unsigned = negative ? text.slice(1) : text;
  if (!WHOLE.test(unsigned)) return unitError(/^\d+(\.\d+)?$/.test(text) ? `${DURATION_EXPECTATION} (a number needs a unit)` : expected);
  if (negative) return unitError(signExpectation(options));
  let totalNs = 0n;
  for (const match of unsigned.matchAll(COMPONENTS)) {
    const decimal = parseExactDecimal(match[1] ?? '');
    const ns = decimal ? scaleToInteger(decimal, DURATION_UNITS_NS[match[2] ?? 'ns'] ?? 1n) : undefined;
    if (ns === undefined) return unitError(`a whole number of nanoseconds, ${DURATION_EXPECTATION}`);
    totalNs += ns;
  }
  return finish(totalNs, options);
}

/** A limit in its largest whole unit: 2000000000000 ns is "2000s". */
function formatWholeDuration(ns: number): string {
  for (const unit of ['h', 'm', 's', 'ms', 'us', 'ns'] as const) {
    const size = Number(DURATION_UNITS_NS[unit]);
    if (ns % size === 0) return `${ns / size}${unit}`;
  }
  return `${ns}ns`;
}

function finish(ns: bigint | undefined, options: DurationOptions): UnitResult<number> {
  if (ns === undefined) return unitError(`a whole number of nanoseconds, ${DURATION_EXPECTATION}`);
  if (ns < 0n || (ns === 0n && !options.allowZero)) return unitError(signExpectation(options));
  if (ns > MAX_NS) return unitError('a duration below 104 days');
  if (options.max !== undefined && ns > BigInt(options.max.ns)) return unitError(`a duration of at most ${formatWholeDuration(options.max.ns)} (${options.max.why})`);
  return unitOk(Number(ns));
}
