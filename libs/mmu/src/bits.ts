/** Word-level helpers for 32-page bitmap words. */

export const WORDS_PER_REGION = 16; // 512 pages / 32 bits

/** Number of set bits in a 32-bit word. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Index of the lowest set bit of a non-zero word. */
export function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Bits [lo, hi) of word `w` of a region, for page offsets lo..hi-1 within the region (0 <= lo < hi <= 512). */
export function wordMask(w: number, lo: number, hi: number): number {
  const start = w << 5;
  const a = lo > start ? lo - start : 0;
  const b = hi < start + 32 ? hi - start : 32;
  if (a >= b) return 0;
  const upper = b === 32 ? 0xffffffff : ((1 << b) - 1) >>> 0;
  const lower = a === 0 ? 0 : ((1 << a) - 1) >>> 0;
  return (upper & ~lower) >>> 0;
}

/** Number of set bits in words [from, from + count) of `words`. */
export function popcountRange(words: Uint32Array, from: number, count: number): number {
  let total = 0;
  for (let k = from; k < from + count; k++) total += popcount32(words[k]!);
  return total;
}
