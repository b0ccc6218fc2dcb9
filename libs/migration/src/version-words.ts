/**
 * The group-level pieces of a page-version digest (`versionsDigest`), shared
 * by the flat version arrays and the destination's grouped versions so both
 * give the same digest for the same pages. Internal to libs/migration.
 *
 * A digest is a sum over groups of 32 pages (8 little-endian 32-bit words of
 * versions): a group's words are folded into one hash, and only that hash is
 * mixed with the group's position. Folding is cheap and mixing is not, so a
 * group costs one mix instead of one per word.
 */

/** Four pages at the initial version (1): a group of only these is left out. */
export const INITIAL_VERSION_WORD = 0x01010101;

/** The hash a group's fold starts from (FNV-1a's offset basis). */
export const GROUP_FOLD_SEED = 0x811c9dc5 | 0;

/**
 * Folds one word into a group's hash (FNV-1a over 32-bit words). For a
 * fixed word a step is a bijection of the hash, and for a fixed hash a
 * bijection of the word: two groups that differ in one word fold to
 * different hashes.
 */
export function foldVersionWord(hash: number, word: number): number {
  return Math.imul(hash ^ word, 0x01000193);
}

/**
 * A folded group's share of a digest, mixed with the group's position so
 * that equal groups at two places do not cancel (murmur3's finalizer).
 */
export function versionGroupShare(group: number, hash: number): number {
  let x = Math.imul(hash ^ Math.imul(group + 1, 0x9e3779b1), 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** The folded hash of a group whose 32 pages all hold version `v`, by version. */
export const UNIFORM_GROUP_FOLD: Int32Array = (() => {
  const table = new Int32Array(256);
  for (let v = 0; v < 256; v++) {
    const word = Math.imul(v, 0x01010101);
    let hash = GROUP_FOLD_SEED;
    for (let k = 0; k < 8; k++) hash = foldVersionWord(hash, word);
    table[v] = hash;
  }
  return table;
})();
