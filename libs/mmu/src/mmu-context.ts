import { type CostModel, tlbFlushCostNs } from './cost-model';
import { MmuError } from './errors';
import { HostMemory } from './host-backing';
import type { KernelProfile } from './kernel-profile';
import { LeafTablePool } from './leaf-table-pool';
import type { MmuCounters } from './reports';
import type { SlotState } from './slot-state';

/**
 * Everything one VM's MMU model holds, shared by the files that implement its
 * operations (fault path, dirty log, recovery, host events). Not exported from
 * the package: `VmMmu` is the public face.
 */
export class MmuContext {
  readonly pool = new LeafTablePool();
  readonly host = new HostMemory();
  /** Slots sorted by baseGfn. */
  readonly slots: SlotState[] = [];
  readonly flushCostNs: number;
  /** Entries in each vCPU's 512-entry PML buffer (allocated while any slot is logged with PML). */
  pmlFill: Int32Array | null = null;
  readonly counters: MmuCounters = zeroCounters();
  private lastSlot: SlotState | null = null;
  private maxTablesValue = 0;
  private maxTablesSlots = 0;

  constructor(
    readonly profile: KernelProfile,
    readonly costs: CostModel,
    readonly vcpus: number,
  ) {
    this.flushCostNs = tlbFlushCostNs(costs, vcpus);
  }

  /** The slot holding `gfn`, or null. */
  slotOf(gfn: number): SlotState | null {
    const last = this.lastSlot;
    if (last !== null && gfn >= last.baseGfn && gfn < last.endGfn) return last;
    const slots = this.slots;
    let lo = 0;
    let hi = slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const slot = slots[mid]!;
      if (gfn < slot.baseGfn) hi = mid - 1;
      else if (gfn >= slot.endGfn) lo = mid + 1;
      else {
        this.lastSlot = slot;
        return slot;
      }
    }
    return null;
  }

  slotById(id: number): SlotState {
    for (const slot of this.slots) if (slot.id === id) return slot;
    throw new MmuError('UNKNOWN_MEMSLOT', `no memslot with id ${id} (known: ${this.slots.map((s) => s.id).join(', ') || 'none'})`);
  }

  /** Upper bound on the 4K tables the VM can ever need: one per 2M region of every slot. */
  maxTables(): number {
    // Asked on every table allocation; slots are only ever added.
    if (this.maxTablesSlots !== this.slots.length) {
      let total = 0;
      for (const slot of this.slots) total += slot.regionCount;
      this.maxTablesValue = total;
      this.maxTablesSlots = this.slots.length;
    }
    return this.maxTablesValue;
  }

  /** PML buffers exist while any slot is logged on a PML host. */
  syncPmlBuffers(): void {
    const needed = this.profile.pml && this.slots.some((s) => s.logging);
    if (needed && this.pmlFill === null) this.pmlFill = new Int32Array(this.vcpus);
    if (!needed) this.pmlFill = null;
  }

  /** Give back leaf-table memory once most tables are free. */
  shrinkPool(): void {
    this.pool.shrinkIfSparse((visit) => {
      for (const slot of this.slots) {
        const table = slot.table;
        for (let i = 0; i < table.length; i++) if (table[i]! >= 0) table[i] = visit(table[i]!);
      }
    });
  }

  bytes(): number {
    let total = this.pool.bytes() + this.host.bytes() + (this.pmlFill?.byteLength ?? 0);
    for (const slot of this.slots) total += slot.bytes();
    return total;
  }
}

export function zeroCounters(): MmuCounters {
  return {
    faults4k: 0,
    faults2m: 0,
    faults1g: 0,
    fastFaults: 0,
    pmlFullExits: 0,
    splits: 0,
    sptesZapped: 0,
    tlbFlushes: 0,
    rmapEntriesScanned: 0,
    lockHoldMaxNs: 0,
    lockYields: 0,
    hugeInstalledInPlace: 0,
    readonlyWriteExits: 0,
  };
}
