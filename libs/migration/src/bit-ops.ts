/** Set bits in a 32-bit word. */
export function popcount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) >>> 0;
}

/** Index of the lowest set bit of a non-zero word. */
export function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/** Sets bits [start, start+count) of a bitmap; returns how many were newly set. */
export function setBitRange(words: Uint32Array, start: number, count: number): number {
  let added = 0;
  let index = start;
  const end = start + count;
  while (index < end) {
    const w = index >>> 5;
    const bit = index & 31;
    const span = Math.min(32 - bit, end - index);
    const mask = span === 32 ? 0xffffffff : (((1 << span) - 1) << bit) >>> 0;
    const old = words[w]!;
    added += popcount32(mask & ~old);
    words[w] = old | mask;
    index += span;
  }
  return added;
}
