import { popcount32, WORDS_PER_REGION, wordMask } from './bits';
import { eagerSplitRegions } from './eager-split';
import { MmuError } from './errors';
import { LockedWalk } from './mmu-lock';
import type { MmuContext } from './mmu-context';
import { F_HUGE_WRITABLE, G_WRITABLE, R_HUGE_2M, R_IN_1G, R_TABLE } from './region-state';
import type { OperationReport } from './reports';
import type { SlotState } from './slot-state';
import { splitHuge1g } from './spte-ops';
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
  slot.dirtyBitmap = new Uint32Array(slot.regionCount * WORDS_PER_REGION);
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
  for (let i = 0; i < slot.regionCount; i++) {
    const st = slot.state[i];
    if (st === R_TABLE) {
      const t = slot.table[i]!;
      const base = t * WORDS_PER_REGION;
      for (let k = base; k < base + WORDS_PER_REGION; k++) target[k] = 0;
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
  requireLogging(slot);
  const walk = lockedWalk(ctx, Infinity);
  drainAllPml(ctx, walk);
  const bitmap = copySlotBitmap(slot);
  let dirtyPageCount = 0;
  for (let k = 0; k < bitmap.length; k++) dirtyPageCount += popcount32(bitmap[k]!);
  walk.work(Math.ceil(slot.npages / 64) * ctx.costs.dirtyLogWordNs);
  const cleared = clearAndProtect(ctx, slot, 0, slot.npages, walk);
  if (cleared > 0) walk.flushNow();
  walk.finish();
  return { bitmap, dirtyPageCount, report: walk.report('get-dirty-log') };
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

/** The region-aligned bitmap shifted so that bit i is slot page i. */
function copySlotBitmap(slot: SlotState): Uint32Array {
  const src = slot.dirtyBitmap!;
  const out = new Uint32Array(Math.ceil(slot.npages / 32));
  const shift = slot.headLo & 31;
  const first = slot.headLo >>> 5;
  for (let k = 0; k < out.length; k++) {
    const lowWord = src[first + k]!;
    const highWord = first + k + 1 < src.length ? src[first + k + 1]! : 0;
    out[k] = shift === 0 ? lowWord : (lowWord >>> shift) | (highWord << (32 - shift));
  }
  const tailBits = slot.npages & 31;
  if (tailBits !== 0) out[out.length - 1] = out[out.length - 1]! & ((1 << tailBits) - 1);
  return out;
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
    const st = slot.state[i];
    const pool = ctx.pool;
    const t = st === R_TABLE ? slot.table[i]! : -1;
    const target = pml ? pool.dirty : pool.writable;
    let protectedLeaves = 0;
    for (let w = lo >>> 5; w <= (hi - 1) >>> 5; w++) {
      const m = bitmap[bitmapBase + w]! & wordMask(w, lo, hi);
      if (m === 0) continue;
      bitmap[bitmapBase + w] = bitmap[bitmapBase + w]! & ~m;
      cleared += popcount32(m);
      if (t < 0) continue;
      const k = t * WORDS_PER_REGION + w;
      const hit = m & pool.present[k]!;
      if (hit === 0) continue;
      target[k] = target[k]! & ~hit;
      protectedLeaves += popcount32(hit);
    }
    walk.work(protectedLeaves * protectNs);
  }
  return cleared;
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
