import { lowestBit, popcount32, WORDS_PER_REGION, wordMask } from './bits';
import { eagerSplitRegions } from './eager-split';
import { MmuError } from './errors';
import { LockedWalk } from './mmu-lock';
import type { MmuContext } from './mmu-context';
import { F_HUGE_WRITABLE, F_UNIFORM_DIRTY, F_UNIFORM_WRITABLE, G_WRITABLE, R_HUGE_2M, R_IN_1G, R_TABLE } from './region-state';
import { takeZeroedBuffer } from './page-array-pool';
import type { OperationReport } from './reports';
import type { SlotState } from './slot-state';
import { isUniform, leafTable, splitHuge1g } from './spte-ops';
import { PAGES_PER_2M } from './units';

const ALL = 0xffffffff;

export function lockedWalk(ctx: MmuContext, budgetNs = ctx.costs.lockHoldBeforeYieldNs): LockedWalk {
  return new LockedWalk(budgetNs, ctx.flushCostNs, ctx.costs.lockYieldNs);
}

/**
 * Enable dirty logging (`kvm_mmu_slot_apply_flags`, log_dirty_pages set):
 * allocate the bitmap; with KVM_DIRTY_LOG_INITIALLY_SET it starts all ones and
 * nothing is protected now. Otherwise: optional eager split, then with PML clear
 * the D bits of 4K leaves and write-protect 2M+ leaves, without PML
 * write-protect everything; one TLB flush for the slot.
 */
export function enableLogging(ctx: MmuContext, slot: SlotState): OperationReport {
  // A 16 GiB slot's bitmap is 512 KiB: from the pool (a migration that ended gave one back), cleared.
  const words = slot.regionCount * WORDS_PER_REGION;
  slot.dirtyBitmap = new Uint32Array(takeZeroedBuffer(words * 4), 0, words);
  slot.dirtyRegions = new Uint32Array(Math.ceil(slot.regionCount / 32));
  slot.logging = true;
  ctx.syncPmlBuffers();
  const walk = lockedWalk(ctx);
  if (ctx.profile.initiallySet) {
    setAllPagesDirty(slot);
    return walk.report('enable-logging');
  }
  if (ctx.profile.eagerSplit) eagerSplitRegions(ctx, slot, 0, slot.regionCount, walk);
  protectWholeSlot(ctx, slot, walk);
  walk.flushNow();
  walk.finish();
  return walk.report('enable-logging');
}

function setAllPagesDirty(slot: SlotState): void {
  const bitmap = slot.dirtyBitmap!;
  bitmap.fill(ALL);
  const regions = slot.dirtyRegions!;
  regions.fill(ALL);
  if ((slot.regionCount & 31) !== 0) regions[regions.length - 1] = ((1 << (slot.regionCount & 31)) - 1) >>> 0;
  const last = slot.regionCount - 1;
  for (let w = 0; w < WORDS_PER_REGION; w++) {
    bitmap[w] = bitmap[w]! & wordMask(w, slot.headLo, PAGES_PER_2M);
    bitmap[last * WORDS_PER_REGION + w] = bitmap[last * WORDS_PER_REGION + w]! & wordMask(w, slot.regionLo(last), slot.tailHi);
  }
}

/** PML: clear D on every 4K leaf, write-protect huge leaves; no PML: write-protect every leaf. */
function protectWholeSlot(ctx: MmuContext, slot: SlotState, walk: LockedWalk): void {
  const pool = ctx.pool;
  const pml = ctx.profile.pml;
  const protectNs = ctx.costs.spteProtectNs;
  const target = pml ? pool.dirty : pool.writable;
  const uniformBit = pml ? F_UNIFORM_DIRTY : F_UNIFORM_WRITABLE;
  for (let i = 0; i < slot.regionCount; i++) {
    const st = slot.state[i];
    if (st === R_TABLE) {
      const t = slot.table[i]!;
      if (isUniform(slot, i)) {
        slot.flags[i] = slot.flags[i]! & ~uniformBit;
      } else {
        const base = t * WORDS_PER_REGION;
        for (let k = base; k < base + WORDS_PER_REGION; k++) target[k] = 0;
      }
      walk.work(pool.count[t]! * protectNs);
    } else if (st === R_HUGE_2M) {
      slot.flags[i] = slot.flags[i]! & ~F_HUGE_WRITABLE;
      walk.work(protectNs);
    } else if (st === R_IN_1G) {
      slot.giant[slot.giantOf(i)] = slot.giant[slot.giantOf(i)]! & ~G_WRITABLE;
    }
    walk.maybeYield(false);
  }
}

/**
 * KVM_GET_DIRTY_LOG (`kvm_get_dirty_log_protect`): drain every vCPU's PML
 * buffer, copy the bitmap out, clear it and re-protect what it reported, all
 * under one hold of mmu_lock. The returned bitmap is indexed by slot page.
 */
export function getDirtyLog(ctx: MmuContext, slot: SlotState): { bitmap: Uint32Array; dirtyPageCount: number; report: OperationReport } {
  const bitmap = new Uint32Array(Math.ceil(slot.npages / 32));
  const { dirtyPageCount, report } = getDirtyLogInto(ctx, slot, bitmap, 0);
  return { bitmap, dirtyPageCount, report };
}

/**
 * KVM_GET_DIRTY_LOG as QEMU consumes it (`cpu_physical_memory_sync_dirty_bitmap`):
 * the same ioctl as `getDirtyLog`, but the slot's log is ORed into `target`
 * (slot page i = bit (i & 31) of word `targetWordOffset + (i >>> 5)`) instead of
 * a new array. Returns the pages the log reported and how many of them were not
 * set in `target` yet. Only regions written since the last harvest are visited.
 */
export function getDirtyLogInto(
  ctx: MmuContext,
  slot: SlotState,
  target: Uint32Array,
  targetWordOffset: number,
  targetSummary?: Uint32Array,
): { dirtyPageCount: number; newlyDirtyPageCount: number; report: OperationReport } {
  requireLogging(slot);
  const walk = lockedWalk(ctx, Infinity);
  drainAllPml(ctx, walk);
  walk.work(Math.ceil(slot.npages / 64) * ctx.costs.dirtyLogWordNs);
  const harvest = harvestAndProtect(ctx, slot, target, targetWordOffset, walk, targetSummary);
  if (harvest.dirtyPageCount > 0) walk.flushNow();
  walk.finish();
  return { dirtyPageCount: harvest.dirtyPageCount, newlyDirtyPageCount: harvest.newlyDirtyPageCount, report: walk.report('get-dirty-log') };
}

/**
 * The whole-slot case of `clearAndProtect`, fused with the copy-out: for each
 * region flagged in `dirtyRegions`, OR its words into `target` (shifted to slot
 * page numbering), clear them and re-protect the pages they reported.
 */
function harvestAndProtect(
  ctx: MmuContext,
  slot: SlotState,
  target: Uint32Array,
  targetWordOffset: number,
  walk: LockedWalk,
  summary?: Uint32Array,
): { dirtyPageCount: number; newlyDirtyPageCount: number } {
  const bitmap = slot.dirtyBitmap!;
  const regions = slot.dirtyRegions!;
  const pml = ctx.profile.pml;
  const hugeHandling = ctx.profile.initiallySet;
  const protectNs = ctx.costs.spteProtectNs;
  const pool = ctx.pool;
  const shift = slot.headLo & 31;
  const firstWord = slot.headLo >>> 5;
  const outWords = Math.ceil(slot.npages / 32);
  const tailBits = slot.npages & 31;
  const tailMask = tailBits === 0 ? ALL : ((1 << tailBits) - 1) >>> 0;
  let dirtyPageCount = 0;
  let newlyDirty = 0;
  for (let r = 0; r < regions.length; r++) {
    let flagged = regions[r]!;
    if (flagged === 0) continue;
    regions[r] = 0;
    // Regions in ascending order, as the full walk would visit them.
    for (; flagged !== 0; flagged &= flagged - 1) {
      const i = (r << 5) + lowestBit(flagged);
      const bitmapBase = i * WORDS_PER_REGION;
      let any = false;
      for (let w = 0; w < WORDS_PER_REGION; w++) {
        if (bitmap[bitmapBase + w] !== 0) {
          any = true;
          break;
        }
      }
      if (!any) continue;
      if (hugeHandling) protectHugeCovering(ctx, slot, i, walk);
      const t = protectableTable(ctx, slot, i, bitmap, bitmapBase, 0, PAGES_PER_2M);
      // After a split: the pool's arrays may have been reallocated.
      const leafTarget = pml ? pool.dirty : pool.writable;
      const present = pool.present;
      let protectedLeaves = 0;
      for (let w = 0; w < WORDS_PER_REGION; w++) {
        const m = bitmap[bitmapBase + w]!;
        if (m === 0) continue;
        bitmap[bitmapBase + w] = 0;
        dirtyPageCount += popcount32(m);
        // Region word (bitmapBase + w) holds aligned pages; slot page = aligned page - headLo.
        const k = bitmapBase + w - firstWord;
        if (shift === 0) {
          newlyDirty += orWord(target, targetWordOffset, k, m, outWords, tailMask, summary);
        } else {
          newlyDirty += orWord(target, targetWordOffset, k, m >>> shift, outWords, tailMask, summary);
          newlyDirty += orWord(target, targetWordOffset, k - 1, m << (32 - shift), outWords, tailMask, summary);
        }
        if (t === PROTECTED_UNIFORM) protectedLeaves += popcount32(m);
        if (t < 0) continue;
        const leaf = t * WORDS_PER_REGION + w;
        const hit = m & present[leaf]!;
        if (hit === 0) continue;
        leafTarget[leaf] = leafTarget[leaf]! & ~hit;
        protectedLeaves += popcount32(hit);
      }
      walk.work(protectedLeaves * protectNs);
    }
  }
  return { dirtyPageCount, newlyDirtyPageCount: newlyDirty };
}

/**
 * ORs `bits` into slot word k of `target`; returns the bits that were not set
 * yet. With `summary` (one bit per 32 words of `target`), marks the block of
 * a word that got a new bit, so a reader can skip the blocks with none.
 */
function orWord(target: Uint32Array, offset: number, k: number, bits: number, outWords: number, tailMask: number, summary?: Uint32Array): number {
  if (k < 0 || k >= outWords) return 0;
  const incoming = k === outWords - 1 ? bits & tailMask : bits;
  if (incoming === 0) return 0;
  const old = target[offset + k]!;
  const fresh = incoming & ~old;
  if (fresh === 0) return 0;
  target[offset + k] = old | fresh;
  if (summary !== undefined) {
    const word = offset + k;
    summary[word >>> 10] = summary[word >>> 10]! | (1 << ((word >>> 5) & 31));
  }
  return popcount32(fresh);
}

/**
 * KVM_CLEAR_DIRTY_LOG (manual protect): clear the bits of slot pages
 * [firstPage, firstPage + pageCount) and re-protect those pages. `firstPage`
 * must be a multiple of 64, and so must `pageCount` unless the range ends at
 * the end of the slot (as the ioctl requires).
 */
export function clearDirtyLog(ctx: MmuContext, slot: SlotState, firstPage: number, pageCount: number): OperationReport {
  requireLogging(slot);
  const end = firstPage + pageCount;
  if (!Number.isSafeInteger(firstPage) || !Number.isSafeInteger(pageCount) || firstPage < 0 || pageCount < 0 || end > slot.npages) {
    throw new MmuError('INVALID_CLEAR_RANGE', `clear range [${firstPage}, ${end}) must lie within memslot ${slot.id}'s ${slot.npages} pages`);
  }
  if (firstPage % 64 !== 0 || (pageCount % 64 !== 0 && end !== slot.npages)) {
    throw new MmuError('INVALID_CLEAR_RANGE', `clear range [${firstPage}, ${end}) of memslot ${slot.id}: firstPage must be a multiple of 64 and pageCount too unless the range reaches the slot's end`);
  }
  const walk = lockedWalk(ctx, Infinity);
  drainAllPml(ctx, walk);
  walk.work(Math.ceil(pageCount / 64) * ctx.costs.dirtyLogWordNs);
  const cleared = clearAndProtect(ctx, slot, firstPage, end, walk);
  if (cleared > 0) walk.flushNow();
  walk.finish();
  return walk.report('clear-dirty-log');
}

/**
 * Pages the slot's dirty log holds now (0 when not logging), as the next
 * KVM_GET_DIRTY_LOG would report them: an observation, with no kernel work
 * and nothing changed. Only the regions flagged in `dirtyRegions` are read.
 */
export function loggedPageCount(slot: SlotState): number {
  if (!slot.logging) return 0;
  const bitmap = slot.dirtyBitmap!;
  const regions = slot.dirtyRegions!;
  let count = 0;
  for (let r = 0; r < regions.length; r++) {
    for (let flagged = regions[r]!; flagged !== 0; flagged &= flagged - 1) {
      const base = ((r << 5) + lowestBit(flagged)) * WORDS_PER_REGION;
      for (let w = 0; w < WORDS_PER_REGION; w++) {
        const m = bitmap[base + w]!;
        if (m !== 0) count += popcount32(m);
      }
    }
  }
  return count;
}

function requireLogging(slot: SlotState): void {
  if (!slot.logging) throw new MmuError('NOT_DIRTY_LOGGING', `memslot ${slot.id} is not dirty-logged: enable dirty logging before reading or clearing its log`);
}

/** Kick every vCPU so it flushes its PML buffer into the bitmap (`kvm_arch_sync_dirty_log`). */
function drainAllPml(ctx: MmuContext, walk: LockedWalk): void {
  const fill = ctx.pmlFill;
  if (fill === null) return;
  let entries = 0;
  for (let v = 0; v < fill.length; v++) entries += fill[v]!;
  fill.fill(0);
  walk.work(entries * ctx.costs.pmlDrainEntryNs + ctx.vcpus * ctx.costs.tlbFlushIpiPerVcpuNs);
}

/**
 * Clear the dirty bits of slot pages [pageLo, pageHi) and re-protect each page
 * whose bit was set (`kvm_arch_mmu_enable_log_dirty_pt_masked`): PML clears its
 * D bit, otherwise it is write-protected. With initially-set, huge leaves
 * covering a cleared page are write-protected, or split first with eager split.
 * Returns how many bits were cleared.
 */
function clearAndProtect(ctx: MmuContext, slot: SlotState, pageLo: number, pageHi: number, walk: LockedWalk): number {
  if (pageHi <= pageLo) return 0;
  const bitmap = slot.dirtyBitmap!;
  const pml = ctx.profile.pml;
  const hugeHandling = ctx.profile.initiallySet;
  const protectNs = ctx.costs.spteProtectNs;
  const alignedLo = pageLo + slot.headLo;
  const alignedHi = pageHi + slot.headLo;
  let cleared = 0;
  for (let i = Math.floor(alignedLo / PAGES_PER_2M); i * PAGES_PER_2M < alignedHi; i++) {
    const lo = Math.max(0, alignedLo - i * PAGES_PER_2M);
    const hi = Math.min(PAGES_PER_2M, alignedHi - i * PAGES_PER_2M);
    if (((slot.dirtyRegions![i >>> 5]! >>> (i & 31)) & 1) === 0) continue;
    const bitmapBase = i * WORDS_PER_REGION;
    let regionBits = 0;
    for (let w = lo >>> 5; w <= (hi - 1) >>> 5; w++) {
      if ((bitmap[bitmapBase + w]! & wordMask(w, lo, hi)) !== 0) {
        regionBits = 1;
        break;
      }
    }
    if (regionBits === 0) continue;
    if (hugeHandling) protectHugeCovering(ctx, slot, i, walk);
    const pool = ctx.pool;
    const t = protectableTable(ctx, slot, i, bitmap, bitmapBase, lo, hi);
    const target = pml ? pool.dirty : pool.writable;
    let protectedLeaves = 0;
    for (let w = lo >>> 5; w <= (hi - 1) >>> 5; w++) {
      const m = bitmap[bitmapBase + w]! & wordMask(w, lo, hi);
      if (m === 0) continue;
      bitmap[bitmapBase + w] = bitmap[bitmapBase + w]! & ~m;
      cleared += popcount32(m);
      if (t === PROTECTED_UNIFORM) protectedLeaves += popcount32(m);
      if (t < 0) continue;
      const k = t * WORDS_PER_REGION + w;
      const hit = m & pool.present[k]!;
      if (hit === 0) continue;
      target[k] = target[k]! & ~hit;
      protectedLeaves += popcount32(hit);
    }
    walk.work(protectedLeaves * protectNs);
    if (lo === 0 && hi === PAGES_PER_2M) slot.dirtyRegions![i >>> 5] = slot.dirtyRegions![i >>> 5]! & ~(1 << (i & 31));
  }
  return cleared;
}

/** `protectableTable`: region i maps no 4K leaf. */
const NO_TABLE = -1;
/** `protectableTable`: region i is a uniform table whose leaves are all protected now (every page of the log is a present leaf). */
const PROTECTED_UNIFORM = -2;

/**
 * Before re-protecting the pages of region i set in the bitmap words in
 * [lo, hi) (`bitmap` from `bitmapBase`): the table whose words to change, or
 * PROTECTED_UNIFORM when a uniform table needs no word written (its leaves are
 * already protected, or every one of its pages is reported: the table stays
 * uniform, protected), or NO_TABLE.
 */
function protectableTable(ctx: MmuContext, slot: SlotState, i: number, bitmap: Uint32Array, bitmapBase: number, lo: number, hi: number): number {
  if (slot.state[i] !== R_TABLE) return NO_TABLE;
  if (!isUniform(slot, i)) return slot.table[i]!;
  const uniformBit = ctx.profile.pml ? F_UNIFORM_DIRTY : F_UNIFORM_WRITABLE;
  if ((slot.flags[i]! & uniformBit) === 0) return PROTECTED_UNIFORM;
  let everyPage = lo === 0 && hi === PAGES_PER_2M;
  for (let w = 0; everyPage && w < WORDS_PER_REGION; w++) everyPage = bitmap[bitmapBase + w] === ALL;
  if (!everyPage) return leafTable(ctx, slot, i);
  slot.flags[i] = slot.flags[i]! & ~uniformBit;
  return PROTECTED_UNIFORM;
}

/** Initially-set clears reach huge leaves: split them (eager split) or write-protect them. */
function protectHugeCovering(ctx: MmuContext, slot: SlotState, i: number, walk: LockedWalk): void {
  const st = slot.state[i];
  if (st === R_IN_1G) {
    const g = slot.giantOf(i);
    if (ctx.profile.eagerSplit) {
      splitHuge1g(slot, g);
      walk.splits++;
      walk.work(ctx.costs.splitHugePageNs);
    } else {
      slot.giant[g] = slot.giant[g]! & ~G_WRITABLE;
      walk.work(ctx.costs.spteProtectNs);
      return;
    }
  }
  if (slot.state[i] === R_HUGE_2M) {
    if (ctx.profile.eagerSplit) {
      eagerSplitRegions(ctx, slot, i, i + 1, walk);
    } else {
      slot.flags[i] = slot.flags[i]! & ~F_HUGE_WRITABLE;
      walk.work(ctx.costs.spteProtectNs);
    }
  }
}
