/**
 * The word-level pieces of a page-version digest (`versionsDigest`), shared
 * by the flat version arrays and the destination's grouped versions so both
 * give the same digest for the same pages. Internal to libs/migration.
 */

/** Four pages at the initial version (1): the word a digest leaves out. */
export const INITIAL_VERSION_WORD = 0x01010101;

/**
 * One 32-bit word's share of a digest (4 pages' versions, little-endian, at
 * word `index`), mixed with its position so that equal words at two places
 * do not cancel (murmur3's finalizer).
 */
export function versionWordShare(index: number, word: number): number {
  let x = Math.imul(word ^ Math.imul(index + 1, 0x9e3779b1), 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}
