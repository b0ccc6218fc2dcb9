/**
 * Per-2M-region encodings shared by the MMU's files. A region is one level-2
 * entry: 512 gfns, 2M-aligned in guest physical memory.
 */

/** No SPTE maps any gfn of the region and no page table hangs below its level-2 entry. */
export const R_UNMAPPED = 0;
/** A 2M leaf SPTE. */
export const R_HUGE_2M = 1;
/** A table of 4K leaves (present / writable / D bits in the leaf-table pool). */
export const R_TABLE = 2;
/** A non-leaf level-2 entry whose table has no present leaf (what a leaf zap leaves behind). */
export const R_EMPTY_TABLE = 3;
/** Mapped by the 1G leaf of its 1G region. */
export const R_IN_1G = 4;

/** Region flag: the 2M leaf is writable. */
export const F_HUGE_WRITABLE = 1;
/** Region flag: the guest maps the region with 4K pages (shadow paging shadows it with indirect shadow pages). */
export const F_GUEST_4K = 2;
/**
 * Region flags of a uniform table: an R_TABLE split from a 2M leaf whose leaves
 * have not diverged since. All 512 are present, each writable iff
 * F_UNIFORM_WRITABLE, each with its D bit iff F_UNIFORM_DIRTY; the table's
 * words in the leaf-table pool are stale until `leafTable` writes them. So
 * splitting a whole slot, and protecting or recovering what it split, writes no
 * table memory. Set only while the region is R_TABLE.
 */
export const F_UNIFORM_TABLE = 4;
export const F_UNIFORM_WRITABLE = 8;
export const F_UNIFORM_DIRTY = 16;
export const F_UNIFORM_MASK = F_UNIFORM_TABLE | F_UNIFORM_WRITABLE | F_UNIFORM_DIRTY;

/** Host info bits of a region, for its pages that map into the first (A) and the second (B) host 2M page. */
export const H_COMPOUND_A = 1;
export const H_COMPOUND_B = 2;
export const H_RESERVED_A = 4;
export const H_RESERVED_B = 8;

/** 1G-entry flags: a 1G leaf is installed; it is writable. */
export const G_LEAF = 1;
export const G_WRITABLE = 2;
