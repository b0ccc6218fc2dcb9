import { setBitRange } from './bit-ops';
import { allocateVersions, INITIAL_PAGE_VERSION } from './page-version';
import type { RamLayout } from './ram-layout';

/**
 * Per-page state the source keeps while a VM is migrated (and frees after):
 * the page versions (one byte per page, see page-version.ts) and which pages
 * the guest wrote since the migration started (one bit per page), which
 * decides zero pages: a page at or above `zeroStartIndex` that the guest
 * never wrote is a zero page.
 */
export class SourcePageState {
  versions: Uint8Array;
  written: Uint32Array;
  readonly zeroStartIndex: number;

  constructor(
    private readonly layout: RamLayout,
    zeroPageFraction: number,
  ) {
    this.versions = allocateVersions(layout.indexPages, 0);
    for (const slot of layout.slots) this.versions.fill(INITIAL_PAGE_VERSION, slot.offset, slot.offset + slot.npages);
    this.written = new Uint32Array(layout.indexPages >>> 5);
    // The top `zeroPageFraction` of RAM (by index) is zero until written.
    const zeroPages = Math.round(layout.totalPages * zeroPageFraction);
    this.zeroStartIndex = zeroPages === 0 ? Number.POSITIVE_INFINITY : indexOfNthPage(layout, layout.totalPages - zeroPages);
  }

  /** A guest write to [gfnStart, gfnStart+count): bump versions, mark written. */
  recordWrite(gfnStart: number, count: number): void {
    const index = this.layout.indexOfRun(gfnStart, count);
    if (index >= 0) this.recordIndexRun(index, count);
    else this.layout.forEachIndexRun(gfnStart, count, (indexStart, runCount) => this.recordIndexRun(indexStart, runCount));
  }

  private recordIndexRun(indexStart: number, count: number): void {
    const versions = this.versions;
    const end = indexStart + count;
    for (let i = indexStart; i < end; i++) {
      const v = versions[i]!;
      versions[i] = v === 255 ? 1 : v + 1;
    }
    setBitRange(this.written, indexStart, count);
  }

  isZeroPage(index: number): boolean {
    return index >= this.zeroStartIndex && ((this.written[index >>> 5]! >>> (index & 31)) & 1) === 0;
  }

  release(): void {
    this.versions = new Uint8Array(0);
    this.written = new Uint32Array(0);
  }

  modelBytes(): number {
    return this.versions.byteLength + this.written.byteLength;
  }
}

/** The index of the n-th existing page (0-based), skipping slot padding. */
function indexOfNthPage(layout: RamLayout, n: number): number {
  let remaining = n;
  for (const slot of layout.slots) {
    if (remaining < slot.npages) return slot.offset + remaining;
    remaining -= slot.npages;
  }
  return layout.indexPages;
}
