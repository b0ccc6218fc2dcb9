import { popcount32, setBitRange } from './bit-ops';
import { recycleBuffer, takeZeroedBuffer } from '@migsim/mmu';
import type { RamLayout } from './ram-layout';

/**
 * QEMU's migration bitmap (`RAMBlock::bmap`): one bit per page of the
 * migration's index space, set when the page must be (re)sent. Kept with a
 * running count (`rs->migration_dirty_pages`) so `remaining` costs nothing.
 */
export class MigrationBitmap {
  words: Uint32Array;
  /**
   * One bit per block of 32 words (1,024 pages): set whenever a page of the
   * block is set, cleared by a walk that finds the block empty. Each round's
   * walk skips the empty blocks instead of reading every word (a 16 GiB VM
   * has 131,072 words; a round of a converging migration dirties a few).
   */
  summary: Uint32Array;
  dirtyPageCount = 0;

  constructor(indexPages: number) {
    const wordCount = Math.ceil(indexPages / 32);
    this.words = new Uint32Array(takeZeroedBuffer(wordCount * 4), 0, wordCount);
    this.summary = new Uint32Array(Math.ceil(wordCount / 1024));
  }

  /** Marks the blocks of words [fromWord, toWord) as possibly dirty. */
  private markBlocks(fromWord: number, toWord: number): void {
    for (let block = fromWord >>> 5; block <= (toWord - 1) >>> 5 && toWord > fromWord; block++) {
      this.summary[block >>> 5] = this.summary[block >>> 5]! | (1 << (block & 31));
    }
  }

  /** Whether the block of 32 words holding word `w` may have a dirty page. */
  blockMayBeDirty(w: number): boolean {
    const block = w >>> 5;
    return ((this.summary[block >>> 5]! >>> (block & 31)) & 1) === 1;
  }

  /** The walk found the block of word `w` empty. */
  clearBlock(w: number): void {
    const block = w >>> 5;
    this.summary[block >>> 5] = this.summary[block >>> 5]! & ~(1 << (block & 31));
  }

  /** `ram_list_init_bitmaps`: every page of every slot starts dirty (the bulk stage). */
  setAll(layout: RamLayout): void {
    for (const slot of layout.slots) {
      // Slots start on a word; fill whole words, then the tail.
      const fullWords = slot.npages >>> 5;
      const first = slot.offset >>> 5;
      this.words.fill(0xffffffff, first, first + fullWords);
      this.dirtyPageCount += fullWords * 32;
      const tail = slot.npages & 31;
      if (tail !== 0) this.dirtyPageCount += setBitRange(this.words, slot.offset + fullWords * 32, tail);
      this.markBlocks(first, first + fullWords + (tail !== 0 ? 1 : 0));
    }
  }

  /**
   * `ramblock_sync_dirty_bitmap` / `cpu_physical_memory_sync_dirty_bitmap`:
   * OR a slot's KVM dirty bitmap in; returns the pages that became dirty.
   * `slotOffset` is a multiple of 32, so this is word by word.
   */
  orSlotBitmap(slotOffset: number, slotBitmap: Uint32Array, npages: number): number {
    const base = slotOffset >>> 5;
    const wordCount = Math.ceil(npages / 32);
    const tailBits = npages & 31;
    let added = 0;
    for (let i = 0; i < wordCount; i++) {
      let incoming = slotBitmap[i] ?? 0;
      if (incoming === 0) continue;
      if (i === wordCount - 1 && tailBits !== 0) incoming &= (1 << tailBits) - 1;
      const old = this.words[base + i]!;
      const fresh = incoming & ~old;
      if (fresh !== 0) {
        added += popcount32(fresh);
        this.words[base + i] = old | fresh;
        this.markBlocks(base + i, base + i + 1);
      }
    }
    this.dirtyPageCount += added;
    return added;
  }

  /** Marks a run of pages dirty again (e.g. batches lost with a post-copy channel); returns pages newly set. */
  markRange(indexStart: number, count: number): number {
    const added = setBitRange(this.words, indexStart, count);
    this.dirtyPageCount += added;
    if (count > 0) this.markBlocks(indexStart >>> 5, ((indexStart + count - 1) >>> 5) + 1);
    return added;
  }

  isDirty(index: number): boolean {
    return ((this.words[index >>> 5]! >>> (index & 31)) & 1) === 1;
  }

  /** Clears one page; returns true if it was dirty. */
  clear(index: number): boolean {
    const w = index >>> 5;
    const mask = 1 << (index & 31);
    const old = this.words[w]!;
    if ((old & mask) === 0) return false;
    this.words[w] = old & ~mask;
    this.dirtyPageCount--;
    return true;
  }

  /** Recounts from the words (tests use it to check the running count). */
  recount(): number {
    let count = 0;
    for (let i = 0; i < this.words.length; i++) count += popcount32(this.words[i]!);
    return count;
  }

  /** Calls `visit(indexStart, count)` for every run of dirty pages, in order. */
  forEachDirtyRun(visit: (indexStart: number, count: number) => void): void {
    let runStart = -1;
    let runLength = 0;
    for (let w = 0; w < this.words.length; w++) {
      const word = this.words[w]!;
      if (word === 0) continue;
      for (let bit = 0; bit < 32; bit++) {
        if (((word >>> bit) & 1) === 0) continue;
        const index = (w << 5) + bit;
        if (runLength > 0 && index === runStart + runLength) {
          runLength++;
        } else {
          if (runLength > 0) visit(runStart, runLength);
          runStart = index;
          runLength = 1;
        }
      }
    }
    if (runLength > 0) visit(runStart, runLength);
  }

  release(): void {
    recycleBuffer(this.words.buffer);
    this.words = new Uint32Array(0);
    this.summary = new Uint32Array(0);
    this.dirtyPageCount = 0;
  }

  modelBytes(): number {
    return this.words.byteLength;
  }
}
