import { shiftDecimalLeft } from './exact-decimal';
import { unitError, unitOk, type UnitResult } from './unit-result';

/**
 * Fractions in [0, 1], written `0.95` or `95%`. A percent is converted by
 * moving the decimal point in the text (not by dividing a double), so `95%`
 * is the same number as `0.95`.
 */
export const FRACTION_EXPECTATION = 'a fraction such as 0.95 or a percent such as 95%';

/** Shared with the JSON Schema (a string is either a percent or a plain decimal). */
export const FRACTION_PATTERN = '^\\d+(\\.\\d+)?(\\s?%)?$';

const PERCENT = /^(\d+(?:\.\d+)?)\s?%$/;
const PLAIN = /^\d+(?:\.\d+)?$/;

export function parseFraction(input: unknown): UnitResult<number> {
  let fraction: number;
  if (typeof input === 'number') {
    fraction = input;
  } else if (typeof input === 'string') {
    const text = input.trim();
    const percent = PERCENT.exec(text);
    if (percent) fraction = shiftDecimalLeft(percent[1] ?? '', 2);
    else if (PLAIN.test(text)) fraction = Number(text);
    else return unitError(FRACTION_EXPECTATION);
  } else {
    return unitError(FRACTION_EXPECTATION);
  }
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    return unitError('a fraction from 0 to 1 or a percent from 0% to 100%');
  }
  return unitOk(fraction);
}

/**
 * Whole percents as QEMU writes its throttle parameters: `20` or `"20%"`.
 */
export function parsePercentInteger(input: unknown, min: number, max: number): UnitResult<number> {
  const expected = `a whole percent from ${min} to ${max}, such as ${Math.max(min, Math.min(max, 20))}`;
  let value: number;
  if (typeof input === 'number') value = input;
  else if (typeof input === 'string' && /^\d+\s?%$/.test(input.trim())) value = Number.parseInt(input, 10);
  else return unitError(expected);
  if (!Number.isInteger(value) || value < min || value > max) return unitError(expected);
  return unitOk(value);
}
