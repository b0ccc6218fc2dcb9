import { parseExactDecimal, scaleToInteger } from './exact-decimal';
import { unitError, unitOk, type UnitResult } from './unit-result';

/**
 * Sizes in bytes. SI units are powers of 1000 and IEC units powers of 1024,
 * exactly as written: 1GB = 10^9 bytes, 1GiB = 2^30 bytes. A bare number is
 * bytes. The result is always a whole number of bytes.
 */
export const SIZE_UNITS: Readonly<Record<string, bigint>> = {
  B: 1n,
  kB: 1000n,
  KB: 1000n,
  MB: 1000n ** 2n,
  GB: 1000n ** 3n,
  TB: 1000n ** 4n,
  PB: 1000n ** 5n,
  KiB: 1024n,
  MiB: 1024n ** 2n,
  GiB: 1024n ** 3n,
  TiB: 1024n ** 4n,
  PiB: 1024n ** 5n,
};

export const SIZE_EXPECTATION = 'a size such as 16GiB or 512MiB';

/** Bytes are exact integers in a double: below 2^53, i.e. 8PiB. */
const SIZE_TOO_LARGE = 'a size below 8PiB';

/** Shared with the JSON Schema so editors accept exactly what the parser accepts. */
export const SIZE_PATTERN = `^\\d+(\\.\\d+)?\\s?(${Object.keys(SIZE_UNITS).join('|')})?$`;

const SIZE = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s?(${Object.keys(SIZE_UNITS).join('|')})?$`);

export interface SizeOptions {
  /** Whether 0 is a valid size (e.g. an idle VM's write working set). */
  allowZero?: boolean;
}

export function parseSize(input: unknown, options: SizeOptions = {}): UnitResult<number> {
  const positive = options.allowZero ? SIZE_EXPECTATION : `a size greater than zero such as 16GiB or 512MiB`;
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return unitError(SIZE_EXPECTATION);
    if (!Number.isSafeInteger(input)) {
      return unitError(Number.isInteger(input) || !Number.isFinite(input) ? SIZE_TOO_LARGE : `a whole number of bytes or ${SIZE_EXPECTATION}`);
    }
    return checkSign(input, options, positive);
  }
  if (typeof input !== 'string') return unitError(SIZE_EXPECTATION);
  const text = input.trim();
  const negative = text.startsWith('-');
  const match = SIZE.exec(negative ? text.slice(1) : text);
  if (!match) return unitError(SIZE_EXPECTATION);
  if (negative) return unitError(positive);
  const decimal = parseExactDecimal(match[1] ?? '');
  const unit = SIZE_UNITS[match[2] ?? 'B'] ?? 1n;
  if (!decimal) return unitError(SIZE_EXPECTATION);
  const bytes = scaleToInteger(decimal, unit);
  if (bytes === undefined) return unitError(`a whole number of bytes, ${SIZE_EXPECTATION}`);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return unitError(SIZE_TOO_LARGE);
  return checkSign(Number(bytes), options, positive);
}

function checkSign(bytes: number, options: SizeOptions, positive: string): UnitResult<number> {
  if (bytes < 0 || (bytes === 0 && !options.allowZero)) return unitError(positive);
  return unitOk(bytes);
}
