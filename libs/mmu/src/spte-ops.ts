import { lowestBit, popcount32, WORDS_PER_REGION, wordMask } from './bits';
import type { MmuContext } from './mmu-context';
import {
  F_HUGE_WRITABLE,
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
  return leaves;
}

/** Make region i (unmapped or an empty table) a table of 4K leaves with none present. */
export function allocEmptyTable(ctx: MmuContext, slot: SlotState, i: number): number {
  const t = ctx.pool.allocZeroed(ctx.maxTables());
  slot.table[i] = t;
  slot.state[i] = R_TABLE;
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
 * children inherit its permissions and its D bit (taken as set).
 */
export function splitHuge2m(ctx: MmuContext, slot: SlotState, i: number): void {
  const writable = (slot.flags[i]! & F_HUGE_WRITABLE) !== 0;
  const pool = ctx.pool;
  const t = pool.alloc(ctx.maxTables());
  const base = t * WORDS_PER_REGION;
  const present = pool.present;
  const w = pool.writable;
  const d = pool.dirty;
  const wValue = writable ? ALL : 0;
  for (let k = base; k < base + WORDS_PER_REGION; k++) {
    present[k] = ALL;
    w[k] = wValue;
    d[k] = ALL;
  }
  pool.count[t] = PAGES_PER_2M;
  slot.table[i] = t;
  slot.state[i] = R_TABLE;
  slot.flags[i] = slot.flags[i]! & ~F_HUGE_WRITABLE;
  slot.huge2mCount--;
  slot.present4k += PAGES_PER_2M;
}

/** Map page `off` of table region i at 4K; marks it dirty when the slot is logged and the SPTE writable. */
export function mapPage4k(ctx: MmuContext, slot: SlotState, i: number, off: number): void {
  const pool = ctx.pool;
  const t = slot.table[i]!;
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

/** The writable bit of the first present leaf of table t (-1 when none is present). */
export function firstPresentWritable(ctx: MmuContext, t: number): number {
  const pool = ctx.pool;
  const base = t * WORDS_PER_REGION;
  for (let w = 0; w < WORDS_PER_REGION; w++) {
    const p = pool.present[base + w]!;
    if (p !== 0) return (pool.writable[base + w]! >>> lowestBit(p)) & 1;
  }
  return -1;
}

/** First page in [lo, hi) of table t without a present leaf, or -1. */
export function firstMissing(ctx: MmuContext, t: number, lo: number, hi: number): number {
  const present = ctx.pool.present;
  const base = t * WORDS_PER_REGION;
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
  const t = slot.table[i]!;
  const removed = clearLeaves(ctx, t, lo, hi);
  slot.present4k -= removed;
  if (ctx.pool.count[t] === 0) {
    ctx.pool.free(t);
    slot.table[i] = -1;
    slot.state[i] = R_EMPTY_TABLE;
  }
  return removed;
}

/** Clear the present / writable / D bits of pages [lo, hi) of table t; returns how many were present. */
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
