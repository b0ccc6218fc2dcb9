/**
 * The outcome of parsing one value written with a unit. On failure `expected`
 * completes the sentence "found X, expected ..." of a scenario problem.
 */
export type UnitResult<T> = { ok: true; value: T } | { ok: false; expected: string };

export function unitOk<T>(value: T): UnitResult<T> {
  return { ok: true, value };
}

export function unitError<T>(expected: string): UnitResult<T> {
  return { ok: false, expected };
}
