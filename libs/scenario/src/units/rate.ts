import { parseExactDecimal, scaleToNumber } from './exact-decimal';
import { unitError, unitOk, type UnitResult } from './unit-result';

/**
 * Rates in bytes per second. Byte units (`125MB/s`, `100MiB/s`) and bit units
 * (`1Gbps`, `10Gbit/s`) follow SI/IEC exactly as written: 1Gbps = 10^9 bits/s
 * = 125,000,000 bytes/s. A bare number is bytes/s (QEMU's `max-bandwidth`).
 * Values are in bits per unit so bit and byte rates share one table.
 */
const BITS_PER_UNIT: Readonly<Record<string, bigint>> = {
  'B/s': 8n,
  'kB/s': 8n * 1000n,
  'KB/s': 8n * 1000n,
  'MB/s': 8n * 1000n ** 2n,
  'GB/s': 8n * 1000n ** 3n,
  'TB/s': 8n * 1000n ** 4n,
  'KiB/s': 8n * 1024n,
  'MiB/s': 8n * 1024n ** 2n,
  'GiB/s': 8n * 1024n ** 3n,
  'TiB/s': 8n * 1024n ** 4n,
  bps: 1n,
  kbps: 1000n,
  Kbps: 1000n,
  Mbps: 1000n ** 2n,
  Gbps: 1000n ** 3n,
  Tbps: 1000n ** 4n,
  'bit/s': 1n,
  'kbit/s': 1000n,
  'Kbit/s': 1000n,
  'Mbit/s': 1000n ** 2n,
  'Gbit/s': 1000n ** 3n,
  'Tbit/s': 1000n ** 4n,
  'Kibit/s': 1024n,
  'Mibit/s': 1024n ** 2n,
  'Gibit/s': 1024n ** 3n,
  'Tibit/s': 1024n ** 4n,
};

export const RATE_UNITS: readonly string[] = Object.keys(BITS_PER_UNIT);

export const RATE_EXPECTATION = 'a rate such as 125MB/s, 1Gbps or 100MiB/s';

const escapedUnits = RATE_UNITS.map((unit) => unit.replace('/', '\\/')).join('|');

/** Shared with the JSON Schema so editors accept exactly what the parser accepts. */
export const RATE_PATTERN = `^\\d+(\\.\\d+)?\\s?(${escapedUnits})$`;

const RATE = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s?(${escapedUnits})$`);

/** Rates above this are certainly a typo (1 Pbit/s). */
const MAX_BYTES_PER_SEC = 125e12;

export interface RateOptions {
  /** Whether 0 is a valid rate (e.g. a VM that writes nothing). */
  allowZero?: boolean;
  /** Slowest rate accepted (0 aside, when allowed), as written in messages, and why. */
  min?: { bytesPerSec: number; written: string; why: string };
  /** Fastest rate accepted, as written in messages, and why. */
  max?: { bytesPerSec: number; written: string; why: string };
}

export function parseRate(input: unknown, options: RateOptions = {}): UnitResult<number> {
  const positive = options.allowZero ? RATE_EXPECTATION : `a rate greater than zero such as 125MB/s, 1Gbps or 100MiB/s`;
  let bytesPerSec: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return unitError(RATE_EXPECTATION);
    bytesPerSec = input;
  } else if (typeof input === 'string') {
    const text = input.trim();
    const negative = text.startsWith('-');
    const match = RATE.exec(negative ? text.slice(1) : text);
    const decimal = match ? parseExactDecimal(match[1] ?? '') : undefined;
    if (!match || !decimal) return unitError(RATE_EXPECTATION);
    if (negative) return unitError(positive);
    bytesPerSec = scaleToNumber(decimal, BITS_PER_UNIT[match[2] ?? 'B/s'] ?? 8n, 8n);
  } else {
    return unitError(RATE_EXPECTATION);
  }
  if (bytesPerSec < 0 || (bytesPerSec === 0 && !options.allowZero)) return unitError(positive);
  if (bytesPerSec > MAX_BYTES_PER_SEC) return unitError(`${RATE_EXPECTATION} of at most 1Pbps`);
  if (options.min !== undefined && bytesPerSec > 0 && bytesPerSec < options.min.bytesPerSec) {
    return unitError(`a rate of at least ${options.min.written} (${options.min.why})`);
  }
  if (options.max !== undefined && bytesPerSec > options.max.bytesPerSec) {
    return unitError(`a rate of at most ${options.max.written} (${options.max.why})`);
  }
  return unitOk(bytesPerSec);
}
