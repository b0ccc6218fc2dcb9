import { popcount32, WORDS_PER_REGION, wordMask } from './bits';
import { MmuError } from './errors';
import type { MmuContext } from './mmu-context';
import {
  F_HUGE_WRITABLE,
  F_UNIFORM_DIRTY,
  F_UNIFORM_TABLE,
  F_UNIFORM_WRITABLE,
  G_WRITABLE,
  R_EMPTY_TABLE,
  R_HUGE_2M,
  R_IN_1G,
  R_UNMAPPED,
} from './region-state';
import type { AccessBatchResult } from './reports';
import type { SlotState } from './slot-state';
import {
  allocEmptyTable,
  dropHuge1g,
  firstMissing,
  installHuge1g,
  installHuge2m,
  leafTable,
  mapPage4k,
  releaseRegion,
  splitHuge1g,
  splitHuge2m,
} from './spte-ops';
import { PAGES_PER_2M } from './units';

const PML_BUFFER_ENTRIES = 512;

/**
 * Guest accesses to [gfnStart, gfnStart + count), in order, on one vCPU. Work is
 * done region by region and, inside a 4K table, 32 pages per word: a sequential
 * run costs per word, plus per fault.
 */
export function accessRange(ctx: MmuContext, gfnStart: number, count: number, write: boolean, vcpu: number, out: AccessBatchResult): void {
  const end = gfnStart + count;
  let gfn = gfnStart;
  while (gfn < end) {
    const slot = ctx.slotOf(gfn);
    if (slot === null) throw new MmuError('GFN_NOT_IN_MEMSLOT', `guest access to gfn ${gfn} (0x${gfn.toString(16)}), which no memslot covers`);
    const stop = Math.min(end, slot.endGfn);
    let slotWrite = write;
    if (write && slot.readonly) {
      // A write to a read-only memslot exits to userspace as MMIO; KVM maps the page read-only.
      const writes = stop - gfn;
      out.readonlyWriteExits += writes;
      out.costNs += writes * ctx.costs.mmioExitNs;
      slotWrite = false;
    }
    accessInSlot(ctx, slot, gfn, stop, slotWrite, vcpu, out);
    gfn = stop;
  }
}

function accessInSlot(ctx: MmuContext, slot: SlotState, gfnLo: number, gfnHi: number, write: boolean, vcpu: number, out: AccessBatchResult): void {
  let i = slot.regionOf(gfnLo);
  let regionBase = (slot.firstRegion + i) * PAGES_PER_2M;
  let lo = gfnLo - regionBase;
  while (regionBase < gfnHi) {
    const hi = Math.min(PAGES_PER_2M, gfnHi - regionBase);
    accessRegion(ctx, slot, i, lo, hi, write, vcpu, out);
    i++;
    regionBase += PAGES_PER_2M;
    lo = 0;
  }
}

function accessRegion(ctx: MmuContext, slot: SlotState, i: number, lo: number, hi: number, write: boolean, vcpu: number, out: AccessBatchResult): void {
  while (lo < hi) {
    const st = slot.state[i]!;
    if (st === R_IN_1G) {
      const g = slot.giantOf(i);
      if (!write || (slot.giant[g]! & G_WRITABLE) !== 0) return;
      hugeWriteFault1g(ctx, slot, g, i, lo, vcpu, out);
      if (!slot.logging) return;
      lo++;
    } else if (st === R_HUGE_2M) {
      if (!write || (slot.flags[i]! & F_HUGE_WRITABLE) !== 0) return;
      hugeWriteFault2m(ctx, slot, i, lo, vcpu, out);
      if (!slot.logging) return;
      lo++;
    } else if (st === R_UNMAPPED || st === R_EMPTY_TABLE) {
      const level = slot.effectiveLevel(i);
      if (level >= 2) faultHuge(ctx, slot, i, level, vcpu, out);
      else allocEmptyTable(ctx, slot, i);
    } else {
      // R_TABLE. A missing page faults at the max mapping level: when that is huge,
      // the first fault replaces the whole table with a huge leaf.
      if (slot.effectiveLevel(i) >= 2) {
        const miss = firstMissing(ctx, slot, i, lo, hi);
        if (miss < 0) {
          tableRun(ctx, slot, i, lo, hi, write, vcpu, out);
          return;
        }
        if (miss > lo) tableRun(ctx, slot, i, lo, miss, write, vcpu, out);
        faultHuge(ctx, slot, i, slot.effectiveLevel(i), vcpu, out);
        lo = miss;
      } else {
        tableRun(ctx, slot, i, lo, hi, write, vcpu, out);
        return;
      }
    }
  }
}

/**
 * Pages [lo, hi) of a table region, word by word: missing pages fault at 4K;
 * writes to write-protected leaves take a fast page fault (`fast_page_fault`);
 * writes that set a clear D bit of a logged slot are logged by PML.
 */
function tableRun(ctx: MmuContext, slot: SlotState, i: number, lo: number, hi: number, write: boolean, vcpu: number, out: AccessBatchResult): void {
  if ((slot.flags[i]! & F_UNIFORM_TABLE) !== 0 && uniformRun(ctx, slot, i, lo, hi, write, vcpu, out)) return;
  const pool = ctx.pool;
  const t = leafTable(ctx, slot, i);
  const base = t * WORDS_PER_REGION;
  const present = pool.present;
  const writable = pool.writable;
  const dirty = pool.dirty;
  const logging = slot.logging;
  const bitmap = slot.dirtyBitmap;
  const bitmapBase = i * WORDS_PER_REGION;
  const pml = logging && ctx.profile.pml;
  const mapWritable = !slot.readonly;
  let faults = 0;
  let fast = 0;
  let logged = 0;
  let marked = false;
  for (let w = lo >>> 5; w <= (hi - 1) >>> 5; w++) {
    const mask = wordMask(w, lo, hi);
    const k = base + w;
    const p = present[k]!;
    const miss = mask & ~p;
    if (miss !== 0) {
      present[k] = p | miss;
      faults += popcount32(miss);
      if (mapWritable) {
        // make_spte: a writable SPTE is created with D set and, while logging, marks the page dirty.
        writable[k] = writable[k]! | miss;
        dirty[k] = dirty[k]! | miss;
        if (logging) {
          bitmap![bitmapBase + w] = bitmap![bitmapBase + w]! | miss;
          marked = true;
        }
      }
    }
    if (!write) continue;
    const have = mask & p;
    const wr = writable[k]!;
    const wp = have & ~wr;
    if (wp !== 0) {
      fast += popcount32(wp);
      writable[k] = wr | wp;
      dirty[k] = dirty[k]! | wp;
      if (logging) {
        bitmap![bitmapBase + w] = bitmap![bitmapBase + w]! | wp;
        marked = true;
      }
    }
    const clean = have & wr & ~dirty[k]!;
    if (clean !== 0) {
      dirty[k] = dirty[k]! | clean;
      if (pml) {
        // The CPU logs the GPA into the vCPU's PML buffer. Setting the bitmap bit now is
        // equivalent: every reader of the bitmap drains all PML buffers first.
        bitmap![bitmapBase + w] = bitmap![bitmapBase + w]! | clean;
        logged += popcount32(clean);
        marked = true;
      }
    }
  }
  if (marked) slot.markRegionDirty(i);
  if (faults !== 0) {
    pool.count[t] = pool.count[t]! + faults;
    slot.present4k += faults;
    out.faults4k += faults;
    out.costNs += faults * ctx.costs.fault4kNs;
  }
  if (fast !== 0) {
    out.fastFaults += fast;
    out.costNs += fast * ctx.costs.fastFaultNs;
  }
  if (faults + fast !== 0) drainPmlOnExit(ctx, vcpu, out);
  if (logged !== 0) logToPml(ctx, vcpu, logged, out);
}

/**
 * `tableRun` on a uniform table, when the table stays uniform: a read (every
 * leaf is present), or a write to all 512 pages. Returns false when the run
 * would make leaves differ; the caller then writes the table out.
 */
function uniformRun(ctx: MmuContext, slot: SlotState, i: number, lo: number, hi: number, write: boolean, vcpu: number, out: AccessBatchResult): boolean {
  if (!write) return true;
  const flags = slot.flags[i]!;
  const wasWritable = (flags & F_UNIFORM_WRITABLE) !== 0;
  const wasDirty = (flags & F_UNIFORM_DIRTY) !== 0;
  if (wasWritable && wasDirty) return true;
  if (lo !== 0 || hi !== PAGES_PER_2M) return false;
  // Word by word as in tableRun, the same for every word: write-protected leaves
  // take a fast fault that also sets D; writable clean leaves set D (PML logs it).
  const fast = wasWritable ? 0 : PAGES_PER_2M;
  const logged = wasWritable && slot.logging && ctx.profile.pml ? PAGES_PER_2M : 0;
  slot.flags[i] = flags | F_UNIFORM_WRITABLE | F_UNIFORM_DIRTY;
  if (slot.logging && (fast !== 0 || logged !== 0)) {
    slot.dirtyBitmap!.fill(0xffffffff, i * WORDS_PER_REGION, (i + 1) * WORDS_PER_REGION);
    slot.markRegionDirty(i);
  }
  if (fast !== 0) {
    out.fastFaults += fast;
    out.costNs += fast * ctx.costs.fastFaultNs;
    drainPmlOnExit(ctx, vcpu, out);
  }
  if (logged !== 0) logToPml(ctx, vcpu, logged, out);
  return true;
}

/** `n` writes logged into the vCPU's PML buffer; a PML-full exit each time it fills. */
function logToPml(ctx: MmuContext, vcpu: number, n: number, out: AccessBatchResult): void {
  const fill = ctx.pmlFill!;
  const total = fill[vcpu]! + n;
  const exits = Math.floor(total / PML_BUFFER_ENTRIES);
  fill[vcpu] = total - exits * PML_BUFFER_ENTRIES;
  out.costNs += n * ctx.costs.pmlLogNs + exits * ctx.costs.pmlFullExitNs;
  out.pmlFullExits += exits;
}

/** Any VM exit drains the vCPU's PML buffer (`vmx_flush_pml_buffer` in the exit handler). */
function drainPmlOnExit(ctx: MmuContext, vcpu: number, out: AccessBatchResult): void {
  const fill = ctx.pmlFill;
  if (fill === null || fill[vcpu] === 0) return;
  out.costNs += fill[vcpu]! * ctx.costs.pmlDrainEntryNs;
  fill[vcpu] = 0;
}

function flush(ctx: MmuContext, out: AccessBatchResult): void {
  out.tlbFlushes++;
  out.costNs += ctx.flushCostNs;
}

/** A fault on an unmapped page of region i mapped at `level` >= 2 (dirty logging is off). */
function faultHuge(ctx: MmuContext, slot: SlotState, i: number, level: number, vcpu: number, out: AccessBatchResult): void {
  const writable = !slot.readonly;
  let replaced: boolean;
  if (level === 3) {
    replaced = installHuge1g(ctx, slot, slot.giantOf(i), writable);
    out.faults1g++;
    out.costNs += ctx.costs.fault1gNs;
  } else {
    replaced = installHuge2m(ctx, slot, i, writable);
    out.faults2m++;
    out.costNs += ctx.costs.fault2mNs;
  }
  // Installing a huge leaf over a page table drops the table and flushes
  // (`mmu_set_spte` -> drop_parent_pte; TDP MMU: kvm_flush_remote_tlbs_gfn).
  if (replaced) flush(ctx, out);
  drainPmlOnExit(ctx, vcpu, out);
}

/**
 * A write to the write-protected 2M leaf of region i. While logging, the legacy
 * MMU drops the huge SPTE and maps the page at 4K (the rest of the region
 * re-faults at 4K); the TDP MMU >= 6.2 splits it in place, the children keeping
 * its write protection. With logging off, the fault just restores write access.
 */
function hugeWriteFault2m(ctx: MmuContext, slot: SlotState, i: number, off: number, vcpu: number, out: AccessBatchResult): void {
  if (!slot.logging) {
    slot.flags[i] = slot.flags[i]! | F_HUGE_WRITABLE;
    out.fastFaults++;
    out.costNs += ctx.costs.fastFaultNs;
  } else {
    if (ctx.profile.hugeWriteUnderLogging === 'split-in-place') {
      splitHuge2m(ctx, slot, i);
      out.splits++;
      out.costNs += ctx.costs.splitHugePageNs;
    } else {
      releaseRegion(ctx, slot, i);
      flush(ctx, out);
      allocEmptyTable(ctx, slot, i);
    }
    mapPage4k(ctx, slot, i, off);
    out.faults4k++;
    out.costNs += ctx.costs.fault4kNs;
  }
  drainPmlOnExit(ctx, vcpu, out);
}

/** A write to the write-protected 1G leaf holding region i: as for 2M, one level further up. */
function hugeWriteFault1g(ctx: MmuContext, slot: SlotState, g: number, i: number, off: number, vcpu: number, out: AccessBatchResult): void {
  if (!slot.logging) {
    slot.giant[g] = slot.giant[g]! | G_WRITABLE;
    out.fastFaults++;
    out.costNs += ctx.costs.fastFaultNs;
    drainPmlOnExit(ctx, vcpu, out);
    return;
  }
  if (ctx.profile.hugeWriteUnderLogging === 'split-in-place') {
    splitHuge1g(slot, g);
    out.splits++;
    out.costNs += ctx.costs.splitHugePageNs;
    hugeWriteFault2m(ctx, slot, i, off, vcpu, out);
    return;
  }
  dropHuge1g(slot, g);
  flush(ctx, out);
  allocEmptyTable(ctx, slot, i);
  mapPage4k(ctx, slot, i, off);
  out.faults4k++;
  out.costNs += ctx.costs.fault4kNs;
  drainPmlOnExit(ctx, vcpu, out);
}
