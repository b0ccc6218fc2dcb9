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

import { takeFilledBuffer } from '@migsim/mmu';
import { foldVersionWord, GROUP_FOLD_SEED, INITIAL_VERSION_WORD, versionGroupShare } from './version-words';

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
 * Pages a digest takes as read without reading them: each page of
 * [0, `initialPages`) whose bit in `written` is clear is at the initial
 * version (a source knows which pages its guest wrote since the migration
 * started), and the bytes of a group of 32 such pages may not even be set
 * up (see `SourcePageState`).
 */
export interface UnwrittenPages {
  written: Uint32Array;
  initialPages: number;
}

/**
 * A 32-bit digest of a version array: the sum (mod 2^32) over its groups of
 * 32 pages (8 32-bit words) of a mix of the group's folded words and its
 * position (see version-words.ts), leaving out groups whose 32 pages are
 * all at the initial version. Equal arrays give equal digests; two arrays
 * that differ collide with probability about 2^-32. Leaving out the initial
 * groups is what lets a source skip every group of 32 pages its guest never
 * wrote (`unwritten`) without reading them, and a destination skip its
 * groups still at the initial version (`GroupedPageVersions.digest`): the
 * digests at a switchover then cost in proportion to the pages written, not
 * to the VM's size. With `absentMask` (one bit per page), pages whose bit is
 * set count as absent: that is what a post-copy destination holds for pages
 * still to come.
 */
export function versionsDigest(versions: Uint8Array, absentMask?: Uint32Array, unwritten?: UnwrittenPages): number {
  const words = new Uint32Array(versions.buffer, versions.byteOffset, versions.length >>> 2);
  const n = words.length;
  const written = unwritten?.written;
  const initialGroups = unwritten === undefined ? 0 : unwritten.initialPages >>> 5;
  let sum = 0;
  for (let first = 0; first < n; first += 8) {
    const group = first >>> 3;
    const mask = absentMask === undefined ? 0 : (absentMask[group] ?? 0);
    // A group never written is at the initial version, whatever its bytes hold (a source sets a group up at its first write).
    const unwrittenGroup = group < initialGroups && (written![group] ?? 1) === 0;
    if (mask === 0 && unwrittenGroup) continue;
    const end = Math.min(first + 8, n);
    let hash = GROUP_FOLD_SEED;
    let initial = true;
    for (let i = first; i < end; i++) {
      let word = unwrittenGroup ? INITIAL_VERSION_WORD : words[i]!;
      if (mask !== 0) word = maskAbsent(word, (mask >>> ((i & 7) << 2)) & 0xf);
      if (word !== INITIAL_VERSION_WORD) initial = false;
      hash = foldVersionWord(hash, word);
    }
    if (!initial) sum = (sum + versionGroupShare(group, hash)) | 0;
  }
  return sum >>> 0;
}

/** `word` with the pages whose bit is set in `nibble` (its 4 pages' absent bits) at version 0. */
function maskAbsent(word: number, nibble: number): number {
  if (nibble === 0) return word;
  if (nibble & 1) word &= 0xffffff00;
  if (nibble & 2) word &= 0xffff00ff;
  if (nibble & 4) word &= 0xff00ffff;
  if (nibble & 8) word &= 0x00ffffff;
  return word >>> 0;
}
