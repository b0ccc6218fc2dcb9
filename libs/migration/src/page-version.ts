/**
 * Page versions: how migsim checks that the destination holds what the
 * source holds, without storing page contents.
 *
 * Each page of a VM being migrated has a one-byte version (a Uint8Array
 * slot, no object per page). 0 means "absent" (the destination never
 * received the page); a source page starts at 1 and every guest write bumps
 * it, wrapping 255 -> 1 (0 is never reused). Comparisons are serial-number
 * arithmetic over the 255 live values (RFC 1982 style): `a` is newer than
 * `b` when it is 1..127 steps ahead. That lets a destination that receives
 * batches out of order (queue jobs in the distributed driver) keep the newer
 * copy of a page, as long as two copies of one page in flight are fewer than
 * 128 writes apart.
 *
 * The price of one byte per page: a page written an exact multiple of 255
 * times between two sends looks unchanged. Equality checks at switchover can
 * therefore miss a lost page with that (rare) write count; the dirty bitmap,
 * not the version, is what drives re-sending.
 */

import { takeFilledBuffer } from './page-array-pool';

export const ABSENT_PAGE_VERSION = 0;
export const INITIAL_PAGE_VERSION = 1;
const LIVE_VERSION_COUNT = 255;
const HALF_RANGE = 127;

/** NEXT_PAGE_VERSION[v] is the version after a write to a page at version v (255 wraps to 1). */
export const NEXT_PAGE_VERSION: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = v >= 255 ? 1 : v + 1;
  return table;
})();

/** True when version `a` is strictly newer than `b` (any live version is newer than absent). */
export function isNewerPageVersion(a: number, b: number): boolean {
  if (a === ABSENT_PAGE_VERSION) return false;
  if (b === ABSENT_PAGE_VERSION) return true;
  const ahead = (a - b + LIVE_VERSION_COUNT) % LIVE_VERSION_COUNT;
  return ahead >= 1 && ahead <= HALF_RANGE;
}

/** A Uint8Array of `pages` versions, length padded to a multiple of 32 so word views line up. */
export function allocateVersions(pages: number, fill: number): Uint8Array {
  const padded = Math.ceil(pages / 32) * 32;
  return new Uint8Array(takeFilledBuffer(padded, fill, pages), 0, padded);
}

/**
 * A 32-bit digest of a version array (FNV-1a over 32-bit words, four lanes). With
 * `absentMask` (one bit per page), pages whose bit is set count as absent:
 * that is what a post-copy destination holds for pages still to come.
 */
export function versionsDigest(versions: Uint8Array, absentMask?: Uint32Array): number {
  const words = new Uint32Array(versions.buffer, versions.byteOffset, versions.length >>> 2);
  // Four interleaved FNV-1a lanes (word i feeds lane i % 4) shorten the multiply dependency chain.
  const lanes = [0x811c9dc5, 0x050c5d1f, 0x6b17a1e3, 0x1d3a5c97];
  const n = words.length;
  if (absentMask === undefined) {
    let [a, b, c, d] = lanes as [number, number, number, number];
    let i = 0;
    for (; i + 3 < n; i += 4) {
      a = Math.imul(a ^ words[i]!, 0x01000193);
      b = Math.imul(b ^ words[i + 1]!, 0x01000193);
      c = Math.imul(c ^ words[i + 2]!, 0x01000193);
      d = Math.imul(d ^ words[i + 3]!, 0x01000193);
    }
    lanes[0] = a;
    lanes[1] = b;
    lanes[2] = c;
    lanes[3] = d;
    for (; i < n; i++) lanes[i & 3] = Math.imul(lanes[i & 3]! ^ words[i]!, 0x01000193);
    return combineLanes(lanes);
  }
  // 8 version words (32 pages) per mask word.
  for (let i = 0; i < n; i++) {
    let word = words[i]!;
    const mask = absentMask[i >>> 3] ?? 0;
    if (mask !== 0) {
      const nibble = (mask >>> ((i & 7) << 2)) & 0xf;
      if (nibble & 1) word &= 0xffffff00;
      if (nibble & 2) word &= 0xffff00ff;
      if (nibble & 4) word &= 0xff00ffff;
      if (nibble & 8) word &= 0x00ffffff;
    }
    lanes[i & 3] = Math.imul(lanes[i & 3]! ^ word, 0x01000193);
  }
  return combineLanes(lanes);
}

function combineLanes(lanes: number[]): number {
  let hash = lanes[0]!;
  for (let k = 1; k < 4; k++) hash = Math.imul(hash ^ (lanes[k]! >>> 0), 0x01000193);
  return hash >>> 0;
}
