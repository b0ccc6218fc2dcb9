import { lowestBit } from './bit-ops';
import type { MigrationBitmap } from './migration-bitmap';
import { INITIAL_PAGE_VERSION } from './page-version';
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

/** Whether a non-zero word's set bits are one run (from its lowest set bit up to its highest). */
function isOneRun(word: number): boolean {
  const shifted = word >>> lowestBit(word);
  return ((shifted + 1) & shifted) === 0;
}

/** Whether the 32 words from `w` (a block start) are all zero. */
function blockIsEmpty(words: Uint32Array, w: number): boolean {
  const end = Math.min(words.length, w + 32);
  for (let k = w; k < end; k++) if (words[k] !== 0) return false;
  return true;
}

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

  /** Made on first use with their first pair (most batches hold one range and one run): no spare capacity. */
  private ranges: number[] | null = null;
  private runs: number[] | null = null;
  private rangeStart = -1;
  private rangeLength = 0;
  private runVersion = -1;
  private runLength = 0;
  private bytes = 0;
  private zero = 0;
  private normal = 0;
  private words32: Uint32Array = new Uint32Array(0);
  private words32Of: Uint8Array | null = null;

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
    const versions32 = this.versionWords();
    const zeroStart = this.pages.zeroStartIndex;
    let w = this.cursorWord;
    while (this.bytes < maxBytes && bitmap.dirtyPageCount > 0) {
      let word = words[w]!;
      if (word === 0) {
        // At the start of a block of 32 words marked empty: skip it whole (the same words the walk would read).
        if ((w & 31) === 0 && !bitmap.blockMayBeDirty(w)) w = Math.min(wordCount, w + 32);
        else {
          if ((w & 31) === 0 && blockIsEmpty(words, w)) {
            bitmap.clearBlock(w);
            w = Math.min(wordCount, w + 32);
          } else w++;
        }
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
        w = this.takeFollowingUniformWords(w + 1, maxBytes, versions32) - 1;
      } else if (word === FULL_WORD && base >= zeroStart && this.pages.written[w] === 0 && this.bytes + 31 * ZERO_PAGE_WIRE_BYTES < maxBytes) {
        w = this.takeZeroWords(w, maxBytes) - 1;
      } else if (base + 32 <= zeroStart && isOneRun(word)) {
        // One run of dirty normal pages (a whole word whose end the budget cuts, or what the last batch left of
        // one): the pages the page-by-page walk would take, at once.
        const first = lowestBit(word);
        const count = Math.min(32 - Math.clz32(word) - first, Math.ceil((maxBytes - this.bytes) / NORMAL_PAGE_WIRE_BYTES));
        this.takeNormalRun(w, first, count);
        word = count === 32 ? 0 : (word & ~(((1 << count) - 1) << first)) >>> 0;
        bitmap.dirtyPageCount -= count;
        words[w] = word;
        if (word !== 0) break;
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

  /** The versions as 32-bit words (4 pages each), made once per versions array rather than per batch. */
  private versionWords(): Uint32Array {
    const versions = this.pages.versions;
    if (this.words32Of !== versions) {
      this.words32 = new Uint32Array(versions.buffer, versions.byteOffset, versions.length >>> 2);
      this.words32Of = versions;
    }
    return this.words32;
  }

  /**
   * After a full word: takes the full words of normal pages that follow, as
   * long as their versions continue the current run, in one step (the same
   * pages, ranges and runs the word-by-word walk takes). Returns the word
   * where the walk goes on.
   */
  private takeFollowingUniformWords(from: number, maxBytes: number, versions32: Uint32Array): number {
    if (this.runVersion < 0) return from;
    const words = this.bitmap.words;
    const end = words.length;
    const zeroStart = this.pages.zeroStartIndex;
    const pattern = Math.imul(this.runVersion, 0x01010101) >>> 0;
    // Pages the guest never wrote since the start are still at the initial version: no need to read them.
    const written = this.pages.written;
    const runIsInitial = this.runVersion === INITIAL_PAGE_VERSION;
    // The zero share's words go by `takeZeroWords`; a word is taken whole only while its last page would start
    // under the budget.
    const limit = zeroStart === Number.POSITIVE_INFINITY ? end : Math.min(end, Math.floor(zeroStart / 32));
    let bytes = this.bytes;
    let w = from;
    while (w < limit && words[w] === FULL_WORD && bytes + 31 * NORMAL_PAGE_WIRE_BYTES < maxBytes) {
      if (written[w] === 0) {
        // Never written: every page at the initial version (its versions may not even be set up).
        if (!runIsInitial) break;
      } else {
        const first = w << 3;
        let uniform = true;
        for (let k = 0; k < 8; k++) {
          if (versions32[first + k] !== pattern) {
            uniform = false;
            break;
          }
        }
        if (!uniform) break;
      }
      words[w] = 0;
      bytes += 32 * NORMAL_PAGE_WIRE_BYTES;
      w++;
    }
    const pages = (w - from) * 32;
    if (pages === 0) return from;
    this.bitmap.dirtyPageCount -= pages;
    this.rangeLength += pages;
    this.runLength += pages;
    this.normal += pages;
    this.bytes = bytes;
    return w;
  }

  /**
   * Full words of zero pages (past `zeroStartIndex`, never written: still at
   * the initial version) from word `from` on, 32 pages a step, as long as the
   * page-by-page walk would take every page of the word: the same pages,
   * ranges, runs and bytes. A 4 MiB batch holds half a million zero pages (9
   * bytes each), a page-by-page walk over them dominated a drain's cost.
   * Returns the word where the walk goes on.
   */
  private takeZeroWords(from: number, maxBytes: number): number {
    const words = this.bitmap.words;
    const written = this.pages.written;
    const end = words.length;
    let bytes = this.bytes;
    let w = from;
    while (w < end && words[w] === FULL_WORD && written[w] === 0 && bytes + 31 * ZERO_PAGE_WIRE_BYTES < maxBytes) {
      words[w] = 0;
      bytes += 32 * ZERO_PAGE_WIRE_BYTES;
      w++;
    }
    const pages = (w - from) * 32;
    const base = from << 5;
    if (this.rangeLength > 0 && this.rangeStart + this.rangeLength === base) {
      this.rangeLength += pages;
    } else {
      this.pushRange();
      this.rangeStart = base;
      this.rangeLength = pages;
    }
    this.appendVersions(INITIAL_PAGE_VERSION, pages);
    this.bitmap.dirtyPageCount -= pages;
    this.zero += pages;
    this.bytes = bytes;
    return w;
  }

  /** Normal pages [w * 32 + first, w * 32 + first + count) of a word, as `count` calls of `takePage` would take them. */
  private takeNormalRun(w: number, first: number, count: number): void {
    const start = (w << 5) + first;
    if (this.rangeLength > 0 && this.rangeStart + this.rangeLength === start) {
      this.rangeLength += count;
    } else {
      this.pushRange();
      this.rangeStart = start;
      this.rangeLength = count;
    }
    const mask = count === 32 ? FULL_WORD : (((1 << count) - 1) << first) >>> 0;
    if (((this.pages.written[w]! & mask) >>> 0) === 0) {
      // Pages never written are at the initial version.
      this.appendVersions(INITIAL_PAGE_VERSION, count);
    } else {
      // A group with a page written has its versions set up (see SourcePageState).
      const versions = this.pages.versions;
      for (let i = start; i < start + count; i++) this.appendVersion(versions[i]!);
    }
    this.normal += count;
    this.bytes += count * NORMAL_PAGE_WIRE_BYTES;
  }

  private takeFullNormalWord(base: number, versions32: Uint32Array): void {
    if (this.rangeLength > 0 && this.rangeStart + this.rangeLength === base) {
      this.rangeLength += 32;
    } else {
      this.pushRange();
      this.rangeStart = base;
      this.rangeLength = 32;
    }
    // The word's version when all 32 pages share one (-1 otherwise); unwritten pages are at the initial version.
    let version = -1;
    if (this.pages.written[base >>> 5] === 0) {
      version = INITIAL_PAGE_VERSION;
    } else {
      const first = base >>> 2;
      const word = versions32[first]!;
      const candidate = word & 0xff;
      if (word === Math.imul(candidate, 0x01010101) >>> 0) {
        version = candidate;
        for (let k = 1; k < 8; k++) {
          if (versions32[first + k] !== word) {
            version = -1;
            break;
          }
        }
      }
    }
    if (version >= 0) {
      this.appendVersions(version, 32);
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
    this.appendVersion(this.pages.versionOf(index));
  }

  private appendVersion(version: number): void {
    this.appendVersions(version, 1);
  }

  /** `count` pages at `version`, next in page order: the current run grows, or a new one starts. */
  private appendVersions(version: number, count: number): void {
    if (version === this.runVersion) {
      this.runLength += count;
      return;
    }
    if (this.runLength > 0) this.pushRun();
    this.runVersion = version;
    this.runLength = count;
  }

  private pushRange(): void {
    if (this.rangeLength > 0) {
      if (this.ranges === null) this.ranges = [this.rangeStart, this.rangeLength];
      else this.ranges.push(this.rangeStart, this.rangeLength);
    }
    this.rangeLength = 0;
  }

  private pushRun(): void {
    if (this.runs === null) this.runs = [this.runVersion, this.runLength];
    else this.runs.push(this.runVersion, this.runLength);
  }

  private reset(): void {
    this.ranges = null;
    this.runs = null;
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
    if (this.runLength > 0) this.pushRun();
    this.runLength = 0;
    return { indexRanges: this.ranges ?? [], versionRuns: this.runs ?? [], zeroPageCount: this.zero, normalPageCount: this.normal, wireBytes: this.bytes };
  }
}
