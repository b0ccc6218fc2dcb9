import { setBitRange } from './bit-ops';
import { recycleBuffer, takeUnclearedBuffer, takeZeroedBuffer } from '@migsim/mmu';
import { allocateVersions, INITIAL_PAGE_VERSION, versionsDigest, type UnwrittenPages } from './page-version';
import type { RamLayout } from './ram-layout';

/**
 * Per-page state the source keeps while a VM is migrated (and frees after):
 * the page versions (one byte per page, see page-version.ts) and which pages
 * the guest wrote since the migration started (one bit per page), which
 * decides zero pages: a page at or above `zeroStartIndex` that the guest
 * never wrote is a zero page.
 *
 * A page whose written bit is clear is at the initial version. In the usual
 * one-slot layout the versions of a group of 32 pages are only set up at
 * the group's first write (most of a VM's memory is never written during a
 * migration, so most of the array is never touched); until then they hold
 * whatever a recycled buffer held. Read a page's version with `versionOf`,
 * or read `versions` only for groups with a written bit set.
 */
export class SourcePageState {
  versions: Uint8Array;
  written: Uint32Array;
  readonly zeroStartIndex: number;
  /**
   * The usual one-slot layout's page count, 0 otherwise. When set, groups of
   * 32 pages get their versions at their first write, and a digest takes
   * those never written as initial (see `digest`).
   */
  private readonly initialPages: number;
  private words32: Uint32Array = new Uint32Array(0);
  private words32Of: Uint8Array | null = null;

  constructor(
    private readonly layout: RamLayout,
    zeroPageFraction: number,
  ) {
    const only = layout.slots.length === 1 ? layout.slots[0]! : undefined;
    if (only !== undefined && only.offset === 0) {
      // One slot (the usual VM): groups are set up at their first write, a last, partial one
      // now (a digest reads it whole): its pages at the initial version, the padding absent.
      const padded = Math.ceil(only.npages / 32) * 32;
      this.versions = new Uint8Array(takeUnclearedBuffer(padded), 0, padded);
      this.initialPages = only.npages;
      if (padded > only.npages) this.setUpGroup(this.versions, only.npages >>> 5);
    } else {
      this.initialPages = 0;
      this.versions = allocateVersions(layout.indexPages, 0);
      for (const slot of layout.slots) this.versions.fill(INITIAL_PAGE_VERSION, slot.offset, slot.offset + slot.npages);
    }
    const writtenWords = layout.indexPages >>> 5;
    this.written = new Uint32Array(takeZeroedBuffer(writtenWords * 4), 0, writtenWords);
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
    if (this.initialPages > 0) {
      // A group's first write: its pages start at the initial version.
      const written = this.written;
      for (let group = indexStart >>> 5, last = (end - 1) >>> 5; group <= last; group++) {
        if (written[group] === 0) this.setUpGroup(versions, group);
      }
    }
    let i = indexStart;
    // Four pages at a time in the aligned middle: a word with no byte at 255 bumps without carries.
    const wordEnd = end & ~3;
    if (wordEnd - i >= 8) {
      for (; (i & 3) !== 0; i++) versions[i] = bump(versions[i]!);
      const words = this.versionWords();
      for (let w = i >>> 2; i < wordEnd; i += 4, w++) {
        const word = words[w]!;
        // A byte is 255 iff the same byte of ~word is 0 (the classic has-zero-byte test).
        const inverted = ~word;
        if ((((inverted - 0x01010101) & ~inverted & 0x80808080) >>> 0) === 0) {
          words[w] = (word + 0x01010101) >>> 0;
        } else {
          for (let k = i; k < i + 4; k++) versions[k] = bump(versions[k]!);
        }
      }
    }
    for (; i < end; i++) versions[i] = bump(versions[i]!);
    setBitRange(this.written, indexStart, count);
  }

  /** The versions as 32-bit words (4 pages each), made once per versions array. */
  private versionWords(): Uint32Array {
    const versions = this.versions;
    if (this.words32Of !== versions) {
      this.words32 = new Uint32Array(versions.buffer, versions.byteOffset, versions.length >>> 2);
      this.words32Of = versions;
    }
    return this.words32;
  }

  /** The version of page `index` (the initial one for a page never written). */
  versionOf(index: number): number {
    return this.initialPages > 0 && this.written[index >>> 5] === 0 ? INITIAL_PAGE_VERSION : this.versions[index]!;
  }

  /** Every page's version, as one flat array (a copy). */
  versionsSnapshot(): Uint8Array {
    const copy = this.versions.slice();
    if (this.initialPages > 0) {
      const written = this.written;
      for (let group = 0; group < written.length; group++) if (written[group] === 0) this.setUpGroup(copy, group);
    }
    return copy;
  }

  /** A group's pages at the initial version, the padding past the slot absent (one-slot layout). */
  private setUpGroup(versions: Uint8Array, group: number): void {
    const start = group << 5;
    const end = Math.min(start + 32, this.initialPages);
    versions.fill(INITIAL_PAGE_VERSION, start, end);
    if (end < start + 32) versions.fill(0, end, start + 32);
  }

  /**
   * `versionsDigest` of the versions (masked pages absent): groups of 32
   * pages the guest never wrote are not read, so the switchover's digest
   * costs in proportion to the pages written.
   */
  digest(absentMask?: Uint32Array): number {
    const unwritten: UnwrittenPages | undefined = this.initialPages > 0 ? { written: this.written, initialPages: this.initialPages } : undefined;
    return versionsDigest(this.versions, absentMask, unwritten);
  }

  isZeroPage(index: number): boolean {
    return index >= this.zeroStartIndex && ((this.written[index >>> 5]! >>> (index & 31)) & 1) === 0;
  }

  release(): void {
    recycleBuffer(this.versions.buffer);
    recycleBuffer(this.written.buffer);
    this.versions = new Uint8Array(0);
    this.written = new Uint32Array(0);
  }

  modelBytes(): number {
    return this.versions.byteLength + this.written.byteLength;
  }
}

/** The version after a guest write (255 wraps to 1; 0, absent, is never reused). */
function bump(version: number): number {
  return version === 255 ? 1 : version + 1;
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
