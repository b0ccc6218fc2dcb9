/**
 * Unsigned LEB128 varints for integers up to 2^53 - 1 (7 bits a byte, high
 * bit = more bytes follow). Arithmetic instead of bit operations, because JS
 * bit operations truncate to 32 bits.
 */
export const VARINT_MAX_BYTES = 8;

export function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

/** Writes `value` at `offset`; returns the offset after it. The caller sizes `out`. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  let rest = value;
  while (rest >= 128) {
    out[offset++] = (rest % 128) + 128;
    rest = Math.floor(rest / 128);
  }
  out[offset++] = rest;
  return offset;
}

/** Reads one varint at `offset`; undefined when it is truncated, over-long or above 2^53 - 1. */
export function readVarint(bytes: Uint8Array, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let index = 0; index < VARINT_MAX_BYTES; index++) {
    const byte = bytes[offset + index];
    if (byte === undefined) return undefined;
    value += (byte % 128) * scale;
    if (byte < 128) {
      // A trailing zero byte would be a second spelling of the same number.
      if (index > 0 && byte === 0) return undefined;
      return Number.isSafeInteger(value) ? { value, next: offset + index + 1 } : undefined;
    }
    scale *= 128;
  }
  return undefined;
}
