/**
 * Exact decimal arithmetic for unit parsing: "1.5GiB" is 3 x 2^29 bytes,
 * computed with bigints, so a size never picks up floating-point noise.
 */

/** value = mantissa / 10^scale (mantissa >= 0). */
export interface ExactDecimal {
  readonly mantissa: bigint;
  readonly scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export function parseExactDecimal(text: string): ExactDecimal | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  return { mantissa: BigInt(whole + fraction), scale: fraction.length };
}

/**
 * decimal x numerator / denominator as an exact integer, or undefined when the
 * product is not a whole number.
 */
export function scaleToInteger(decimal: ExactDecimal, numerator: bigint, denominator = 1n): bigint | undefined {
  const top = decimal.mantissa * numerator;
  const bottom = 10n ** BigInt(decimal.scale) * denominator;
  return top % bottom === 0n ? top / bottom : undefined;
}

/** decimal x numerator / denominator as the nearest double (for rates in bits). */
export function scaleToNumber(decimal: ExactDecimal, numerator: bigint, denominator = 1n): number {
  const top = decimal.mantissa * numerator;
  const bottom = 10n ** BigInt(decimal.scale) * denominator;
  const whole = top / bottom;
  const remainder = top % bottom;
  return Number(whole) + Number(remainder) / Number(bottom);
}

/** Moves the decimal point of a plain decimal string: shiftDecimal("95.5", -2) = "0.955". */
export function shiftDecimalLeft(text: string, places: number): number {
  const decimal = parseExactDecimal(text);
  if (!decimal) return Number.NaN;
  const digits = decimal.mantissa.toString();
  const scale = decimal.scale + places;
  const padded = digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return Number(`${padded.slice(0, cut)}.${padded.slice(cut)}`);
}
