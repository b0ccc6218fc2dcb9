import { lowestBit, popcount32, WORDS_PER_REGION, wordMask } from './bits';
import type { MmuContext } from './mmu-context';
import {
  F_HUGE_WRITABLE,
  F_UNIFORM_DIRTY,
  F_UNIFORM_MASK,
  F_UNIFORM_TABLE,
  F_UNIFORM_WRITABLE,
  G_LEAF,
  G_WRITABLE,
  R_EMPTY_TABLE,
  R_HUGE_2M,
  R_IN_1G,
  R_TABLE,
  R_UNMAPPED,
} from './region-state';
import type { SlotState } from './slot-state';
import { PAGES_PER_2M } from './units';

/**
 * Region-level SPTE operations shared by the fault path, dirty logging,
 * recovery and host events. They keep the slot's coverage counters right;
 * costs and flushes are the caller's business.
 */

const ALL = 0xffffffff;

/** Unmap whatever region i holds below the 1G level (not R_IN_1G); returns the leaf SPTEs removed. */
export function releaseRegion(ctx: MmuContext, slot: SlotState, i: number): number {
  const st = slot.state[i]!;
  let leaves = 0;
  if (st === R_HUGE_2M) {
    slot.huge2mCount--;
    leaves = 1;
  } else if (st === R_TABLE) {
    leaves = freeTable(ctx, slot, i);
  }
  slot.state[i] = R_UNMAPPED;
  slot.flags[i] = slot.flags[i]! & ~F_HUGE_WRITABLE;
  return leaves;
}

/** Free region i's 4K table (its state is the caller's to set); returns the present leaves it held. */
export function freeTable(ctx: MmuContext, slot: SlotState, i: number): number {
  const t = slot.table[i]!;
  const leaves = ctx.pool.count[t]!;
  slot.present4k -= leaves;
  ctx.pool.free(t);
  slot.table[i] = -1;
  slot.flags[i] = slot.flags[i]! & ~F_UNIFORM_MASK;
  return leaves;
}

/** Region i's table has no present leaf left: free it and leave an empty table (the level-2 entry stays). */
export function leaveEmptyTable(ctx: MmuContext, slot: SlotState, i: number): void {
  freeTable(ctx, slot, i);
  slot.state[i] = R_EMPTY_TABLE;
}

/** Make region i (unmapped or an empty table) a table of 4K leaves with none present. */
export function allocEmptyTable(ctx: MmuContext, slot: SlotState, i: number): number {
  const t = ctx.pool.allocZeroed(ctx.maxTables());
  slot.table[i] = t;
  slot.state[i] = R_TABLE;
  slot.flags[i] = slot.flags[i]! & ~F_UNIFORM_MASK;
  return t;
}

/** True when table region i is a uniform table (see F_UNIFORM_TABLE): its pool words are not written. */
export function isUniform(slot: SlotState, i: number): boolean {
  return (slot.flags[i]! & F_UNIFORM_TABLE) !== 0;
}

/**
 * The table of region i (R_TABLE) with its words in the pool up to date: a
 * uniform table is written out now, before a caller reads or changes leaves.
 */
export function leafTable(ctx: MmuContext, slot: SlotState, i: number): number {
  const t = slot.table[i]!;
  const f = slot.flags[i]!;
  if ((f & F_UNIFORM_TABLE) === 0) return t;
  const pool = ctx.pool;
  const base = t * WORDS_PER_REGION;
  const end = base + WORDS_PER_REGION;
  pool.present.fill(ALL, base, end);
  pool.writable.fill((f & F_UNIFORM_WRITABLE) !== 0 ? ALL : 0, base, end);
  pool.dirty.fill((f & F_UNIFORM_DIRTY) !== 0 ? ALL : 0, base, end);
  slot.flags[i] = f & ~F_UNIFORM_MASK;
  return t;
}

/** Install a 2M leaf over region i; true when it replaced a page table (the caller flushes). */
export function installHuge2m(ctx: MmuContext, slot: SlotState, i: number, writable: boolean): boolean {
  const st = slot.state[i]!;
  const replacedTable = st === R_TABLE || st === R_EMPTY_TABLE;
  if (st === R_TABLE) freeTable(ctx, slot, i);
  slot.state[i] = R_HUGE_2M;
  slot.flags[i] = writable ? slot.flags[i]! | F_HUGE_WRITABLE : slot.flags[i]! & ~F_HUGE_WRITABLE;
  slot.huge2mCount++;
  return replacedTable;
}

/** Install a 1G leaf over 1G region g; true when it replaced lower-level entries (the caller flushes). */
export function installHuge1g(ctx: MmuContext, slot: SlotState, g: number, writable: boolean): boolean {
  const [from, to] = slot.giantRegions(g);
  let replaced = false;
  for (let i = from; i < to; i++) {
    if (slot.state[i] !== R_UNMAPPED) {
      replaced = true;
      releaseRegion(ctx, slot, i);
    }
    slot.state[i] = R_IN_1G;
  }
  slot.giant[g] = G_LEAF | (writable ? G_WRITABLE : 0);
  slot.huge1gCount++;
  return replaced;
}

/** Remove the 1G leaf of g: every region of it becomes unmapped. */
export function dropHuge1g(slot: SlotState, g: number): void {
  const [from, to] = slot.giantRegions(g);
  for (let i = from; i < to; i++) slot.state[i] = R_UNMAPPED;
  slot.giant[g] = 0;
  slot.huge1gCount--;
}

/** Split the 1G leaf of g into 512 2M leaves that inherit its permissions. */
export function splitHuge1g(slot: SlotState, g: number): void {
  const writable = (slot.giant[g]! & G_WRITABLE) !== 0;
  const [from, to] = slot.giantRegions(g);
  for (let i = from; i < to; i++) {
    slot.state[i] = R_HUGE_2M;
    slot.flags[i] = writable ? slot.flags[i]! | F_HUGE_WRITABLE : slot.flags[i]! & ~F_HUGE_WRITABLE;
  }
  slot.giant[g] = 0;
  slot.huge1gCount--;
  slot.huge2mCount += to - from;
}

/**
 * Split region i's 2M leaf into 512 4K leaves (`tdp_mmu_split_huge_page`): the
 * children inherit its permissions and its D bit (taken as set). The new table
 * is uniform: its words are written only when a leaf diverges.
 */
export function splitHuge2m(ctx: MmuContext, slot: SlotState, i: number): void {
  const flags = slot.flags[i]!;
  const t = ctx.pool.alloc(ctx.maxTables());
  ctx.pool.count[t] = PAGES_PER_2M;
  slot.table[i] = t;
  slot.state[i] = R_TABLE;
  const uniform = F_UNIFORM_TABLE | F_UNIFORM_DIRTY | ((flags & F_HUGE_WRITABLE) !== 0 ? F_UNIFORM_WRITABLE : 0);
  slot.flags[i] = (flags & ~(F_HUGE_WRITABLE | F_UNIFORM_MASK)) | uniform;
  slot.huge2mCount--;
  slot.present4k += PAGES_PER_2M;
}

/** Map page `off` of table region i at 4K; marks it dirty when the slot is logged and the SPTE writable. */
export function mapPage4k(ctx: MmuContext, slot: SlotState, i: number, off: number): void {
  const pool = ctx.pool;
  const t = leafTable(ctx, slot, i);
  const k = t * WORDS_PER_REGION + (off >>> 5);
  const bit = 1 << (off & 31);
  if ((pool.present[k]! & bit) === 0) {
    pool.present[k] = pool.present[k]! | bit;
    pool.count[t] = pool.count[t]! + 1;
    slot.present4k++;
  }
  if (!slot.readonly) {
    pool.writable[k] = pool.writable[k]! | bit;
    pool.dirty[k] = pool.dirty[k]! | bit;
    if (slot.logging) markDirty(slot, i, off);
  }
}

export function markDirty(slot: SlotState, i: number, off: number): void {
  const bitmap = slot.dirtyBitmap!;
  const k = i * WORDS_PER_REGION + (off >>> 5);
  bitmap[k] = bitmap[k]! | (1 << (off & 31));
  slot.markRegionDirty(i);
}

/** The writable bit of the first present leaf of table region i (-1 when none is present). */
export function firstPresentWritable(ctx: MmuContext, slot: SlotState, i: number): number {
  const flags = slot.flags[i]!;
  if ((flags & F_UNIFORM_TABLE) !== 0) return (flags & F_UNIFORM_WRITABLE) !== 0 ? 1 : 0;
  const pool = ctx.pool;
  const base = slot.table[i]! * WORDS_PER_REGION;
  for (let w = 0; w < WORDS_PER_REGION; w++) {
    const p = pool.present[base + w]!;
    if (p !== 0) return (pool.writable[base + w]! >>> lowestBit(p)) & 1;
  }
  return -1;
}

/** First page in [lo, hi) of table region i without a present leaf, or -1. */
export function firstMissing(ctx: MmuContext, slot: SlotState, i: number, lo: number, hi: number): number {
  if (isUniform(slot, i)) return -1;
  const present = ctx.pool.present;
  const base = slot.table[i]! * WORDS_PER_REGION;
  for (let w = lo >>> 5; w <= (hi - 1) >>> 5; w++) {
    const miss = wordMask(w, lo, hi) & ~present[base + w]!;
    if (miss !== 0) return (w << 5) + lowestBit(miss);
  }
  return -1;
}

/**
 * Zap the leaves of region i that map pages [lo, hi) (an mmu notifier
 * invalidation): a 2M leaf goes whole, 4K leaves go one by one and a table left
 * empty stays as an empty table. Returns the leaf SPTEs removed. Not for R_IN_1G.
 */
export function zapLeaves(ctx: MmuContext, slot: SlotState, i: number, lo: number, hi: number): number {
  const st = slot.state[i]!;
  if (st === R_HUGE_2M) return releaseRegion(ctx, slot, i);
  if (st !== R_TABLE) return 0;
  let removed: number;
  if (isUniform(slot, i) && lo === 0 && hi === PAGES_PER_2M) {
    // Every leaf goes: the table is freed below, so its words need no writing.
    removed = ctx.pool.count[slot.table[i]!]!;
    ctx.pool.count[slot.table[i]!] = 0;
  } else {
    removed = clearLeaves(ctx, leafTable(ctx, slot, i), lo, hi);
  }
  slot.present4k -= removed;
  if (ctx.pool.count[slot.table[i]!] === 0) leaveEmptyTable(ctx, slot, i);
  return removed;
}

/** Clear the present / writable / D bits of pages [lo, hi) of table t (not a uniform one); returns how many were present. */
export function clearLeaves(ctx: MmuContext, t: number, lo: number, hi: number): number {
  const pool = ctx.pool;
  const base = t * WORDS_PER_REGION;
  let removed = 0;
  for (let w = lo >>> 5; w <= (hi - 1) >>> 5; w++) {
    const k = base + w;
    const hit = wordMask(w, lo, hi) & pool.present[k]!;
    if (hit === 0) continue;
    removed += popcount32(hit);
    pool.present[k] = pool.present[k]! & ~hit;
    pool.writable[k] = pool.writable[k]! & ~hit;
    pool.dirty[k] = pool.dirty[k]! & ~hit;
  }
  pool.count[t] = pool.count[t]! - removed;
  return removed;
}
