import { lowestBit } from './bit-ops';
import type { MigrationBitmap } from './migration-bitmap';
import { NORMAL_PAGE_WIRE_BYTES, ZERO_PAGE_WIRE_BYTES } from './qemu-constants';
import type { SourcePageState } from './source-page-state';

/** Pages taken off the bitmap for one batch, in the migration's index space. */
export interface TakenPages {
  /** [indexStart, count, ...] in send order. */
  indexRanges: number[];
  /** [version, runLength, ...] in the same page order. */
  versionRuns: number[];
  zeroPageCount: number;
  normalPageCount: number;
  wireBytes: number;
}

const FULL_WORD = 0xffffffff;

/**
 * `ram_find_and_save_block` over a whole batch: walk the migration bitmap
 * from where the last walk stopped (`last_seen_block` / `last_page`),
 * wrapping around, clear each page it takes (`migration_bitmap_clear_dirty`)
 * and record the page's current version. Works word by word: a word of 32
 * dirty normal pages is taken in one step.
 */
export class PageBatchBuilder {
  /** Word where the next walk starts. */
  cursorWord = 0;
  /** Completed walks over the whole bitmap (QEMU's `complete_round`). */
  passes = 0;

  private ranges: number[] = [];
  private runs: number[] = [];
  private rangeStart = -1;
  private rangeLength = 0;
  private runVersion = -1;
  private runLength = 0;
  private bytes = 0;
  private zero = 0;
  private normal = 0;

  constructor(
    private readonly bitmap: MigrationBitmap,
    private readonly pages: SourcePageState,
  ) {}

  /** Takes dirty pages in bitmap order while the batch is under `maxBytes` (the last page may cross it). */
  take(maxBytes: number): TakenPages {
    this.reset();
    const bitmap = this.bitmap;
    const words = bitmap.words;
    const wordCount = words.length;
    const versions32 = new Uint32Array(this.pages.versions.buffer, 0, this.pages.versions.length >>> 2);
    const zeroStart = this.pages.zeroStartIndex;
    let w = this.cursorWord;
    while (this.bytes < maxBytes && bitmap.dirtyPageCount > 0) {
      let word = words[w]!;
      if (word === 0) {
        w++;
        if (w === wordCount) {
          w = 0;
          this.passes++;
        }
        continue;
      }
      const base = w << 5;
      if (word === FULL_WORD && base + 32 <= zeroStart && this.bytes + 31 * NORMAL_PAGE_WIRE_BYTES < maxBytes) {
        this.takeFullNormalWord(base, versions32);
        words[w] = 0;
        bitmap.dirtyPageCount -= 32;
      } else {
        while (word !== 0 && this.bytes < maxBytes) {
          const bit = lowestBit(word);
          this.takePage(base + bit);
          word &= word - 1;
          bitmap.dirtyPageCount--;
        }
        words[w] = word;
        if (word !== 0) break;
      }
      w++;
      if (w === wordCount) {
        w = 0;
        this.passes++;
      }
    }
    this.cursorWord = w;
    return this.finish();
  }

  /** Takes the given pages first (post-copy requests), skipping those already sent. */
  takeListed(indices: readonly number[], maxBytes: number): TakenPages {
    this.reset();
    for (const index of indices) {
      if (this.bytes >= maxBytes) break;
      if (!this.bitmap.isDirty(index)) continue;
      this.bitmap.clear(index);
      this.takePage(index);
    }
    return this.finish();
  }

  private takeFullNormalWord(base: number, versions32: Uint32Array): void {
    if (this.rangeLength > 0 && this.rangeStart + this.rangeLength === base) {
      this.rangeLength += 32;
    } else {
      this.pushRange();
      this.rangeStart = base;
      this.rangeLength = 32;
    }
    const pattern = this.runVersion >= 0 ? Math.imul(this.runVersion, 0x01010101) >>> 0 : -1;
    const first = base >>> 2;
    let uniform = pattern !== -1;
    for (let k = 0; uniform && k < 8; k++) uniform = versions32[first + k] === pattern;
    if (uniform) {
      this.runLength += 32;
    } else {
      const versions = this.pages.versions;
      for (let i = base; i < base + 32; i++) this.appendVersion(versions[i]!);
    }
    this.normal += 32;
    this.bytes += 32 * NORMAL_PAGE_WIRE_BYTES;
  }

  private takePage(index: number): void {
    if (this.pages.isZeroPage(index)) {
      this.zero++;
      this.bytes += ZERO_PAGE_WIRE_BYTES;
    } else {
      this.normal++;
      this.bytes += NORMAL_PAGE_WIRE_BYTES;
    }
    if (this.rangeLength > 0 && this.rangeStart + this.rangeLength === index) {
      this.rangeLength++;
    } else {
      this.pushRange();
      this.rangeStart = index;
      this.rangeLength = 1;
    }
    this.appendVersion(this.pages.versions[index]!);
  }

  private appendVersion(version: number): void {
    if (version === this.runVersion) {
      this.runLength++;
      return;
    }
    if (this.runLength > 0) this.runs.push(this.runVersion, this.runLength);
    this.runVersion = version;
    this.runLength = 1;
  }

  private pushRange(): void {
    if (this.rangeLength > 0) this.ranges.push(this.rangeStart, this.rangeLength);
    this.rangeLength = 0;
  }

  private reset(): void {
    this.ranges = [];
    this.runs = [];
    this.rangeStart = -1;
    this.rangeLength = 0;
    this.runVersion = -1;
    this.runLength = 0;
    this.bytes = 0;
    this.zero = 0;
    this.normal = 0;
  }

  private finish(): TakenPages {
    this.pushRange();
    if (this.runLength > 0) this.runs.push(this.runVersion, this.runLength);
    this.runLength = 0;
    return { indexRanges: this.ranges, versionRuns: this.runs, zeroPageCount: this.zero, normalPageCount: this.normal, wireBytes: this.bytes };
  }
}
