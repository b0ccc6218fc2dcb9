import { MigrationError } from './errors';

/** One memslot as the migration sees it: a run of guest frames. Plain data. */
export interface RamSlotSpec {
  id: number;
  baseGfn: number;
  npages: number;
}

/** The guest RAM layout sent to the destination when a migration starts. Plain data. */
export interface RamLayoutSpec {
  slots: RamSlotSpec[];
}

interface IndexedSlot extends RamSlotSpec {
  /** First index of this slot in the migration's page index space (a multiple of 32). */
  offset: number;
}

/**
 * Maps guest frames to a dense page index, like QEMU's RAM offsets
 * (RAMBlocks laid end to end). Each slot starts on a multiple of 32 so a
 * slot's KVM dirty bitmap can be OR-ed word by word into the migration
 * bitmap; the padding pages never exist and are never dirty.
 */
export class RamLayout {
  readonly slots: readonly IndexedSlot[];
  /** Guest pages in all slots. */
  readonly totalPages: number;
  /** Size of the padded index space (a multiple of 32). */
  readonly indexPages: number;
  private lastSlot = 0;

  constructor(spec: RamLayoutSpec) {
    const sorted = [...spec.slots].sort((a, b) => a.baseGfn - b.baseGfn);
    const slots: IndexedSlot[] = [];
    let offset = 0;
    let total = 0;
    let previousEnd = -1;
    for (const slot of sorted) {
      if (!Number.isInteger(slot.npages) || slot.npages <= 0 || slot.baseGfn < previousEnd) {
        throw new MigrationError('MIGRATION_LAYOUT_MISMATCH', `memslot ${slot.id}: expected a positive page count and no overlap, got base ${slot.baseGfn} npages ${slot.npages}`);
      }
      slots.push({ id: slot.id, baseGfn: slot.baseGfn, npages: slot.npages, offset });
      offset = Math.ceil((offset + slot.npages) / 32) * 32;
      total += slot.npages;
      previousEnd = slot.baseGfn + slot.npages;
    }
    this.slots = slots;
    this.totalPages = total;
    this.indexPages = offset;
  }

  spec(): RamLayoutSpec {
    return { slots: this.slots.map(({ id, baseGfn, npages }) => ({ id, baseGfn, npages })) };
  }

  /** Index of `gfn`, or -1 when no slot holds it. */
  indexOfGfn(gfn: number): number {
    const slot = this.slotOfGfn(gfn);
    return slot === undefined ? -1 : slot.offset + (gfn - slot.baseGfn);
  }

  gfnOfIndex(index: number): number {
    const slot = this.slotOfIndex(index);
    if (slot === undefined) throw new MigrationError('MIGRATION_LAYOUT_MISMATCH', `page index ${index} is outside every memslot`);
    return slot.baseGfn + (index - slot.offset);
  }

  /**
   * Index of `gfn` when [gfn, gfn+count) lies in one slot, else -1 (then
   * use `forEachIndexRun`). The fast path of per-run work.
   */
  indexOfRun(gfn: number, count: number): number {
    const slot = this.slotOfGfn(gfn);
    if (slot === undefined || gfn + count > slot.baseGfn + slot.npages) return -1;
    return slot.offset + (gfn - slot.baseGfn);
  }

  /** Calls `visit(indexStart, count)` for each part of [gfnStart, gfnStart+count) inside a slot. */
  forEachIndexRun(gfnStart: number, count: number, visit: (indexStart: number, count: number) => void): void {
    let gfn = gfnStart;
    const end = gfnStart + count;
    while (gfn < end) {
      const slot = this.slotOfGfn(gfn) ?? this.nextSlotAfter(gfn);
      if (slot === undefined) return;
      if (slot.baseGfn > gfn) {
        gfn = slot.baseGfn;
        continue;
      }
      const runEnd = Math.min(end, slot.baseGfn + slot.npages);
      visit(slot.offset + (gfn - slot.baseGfn), runEnd - gfn);
      gfn = runEnd;
    }
  }

  /** Appends [gfn, count] pairs for the index run to `out`, split at slot edges. */
  pushGfnRuns(indexStart: number, count: number, out: number[]): void {
    const slot = this.slots[this.lastSlot];
    if (slot !== undefined && indexStart >= slot.offset && indexStart + count <= slot.offset + slot.npages) {
      out.push(slot.baseGfn + (indexStart - slot.offset), count);
      return;
    }
    this.forEachGfnRun(indexStart, count, (gfn, n) => {
      out.push(gfn, n);
    });
  }

  /** Calls `visit(gfnStart, count)` for each slot-contained part of the index run. */
  forEachGfnRun(indexStart: number, count: number, visit: (gfnStart: number, count: number) => void): void {
    let index = indexStart;
    const end = indexStart + count;
    while (index < end) {
      const slot = this.slotOfIndex(index);
      if (slot === undefined) {
        index++;
        continue;
      }
      const runEnd = Math.min(end, slot.offset + slot.npages);
      visit(slot.baseGfn + (index - slot.offset), runEnd - index);
      index = runEnd;
    }
  }

  private slotOfGfn(gfn: number): IndexedSlot | undefined {
    const cached = this.slots[this.lastSlot];
    if (cached !== undefined && gfn >= cached.baseGfn && gfn < cached.baseGfn + cached.npages) return cached;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (gfn >= slot.baseGfn && gfn < slot.baseGfn + slot.npages) {
        this.lastSlot = i;
        return slot;
      }
    }
    return undefined;
  }

  private nextSlotAfter(gfn: number): IndexedSlot | undefined {
    return this.slots.find((slot) => slot.baseGfn > gfn);
  }

  private slotOfIndex(index: number): IndexedSlot | undefined {
    for (const slot of this.slots) {
      if (index >= slot.offset && index < slot.offset + slot.npages) return slot;
    }
    return undefined;
  }
}
