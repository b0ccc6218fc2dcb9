import { recycleBuffer, takeUnclearedBuffer, takeZeroedBuffer } from '@migsim/mmu';
import { ABSENT_PAGE_VERSION, INITIAL_PAGE_VERSION, isNewerPageVersion } from './page-version';
import { foldVersionWord, GROUP_FOLD_SEED, INITIAL_VERSION_WORD, UNIFORM_GROUP_FOLD, versionGroupShare } from './version-words';

const GROUP_PAGES = 32;
/** Chunks made room for at first: grows by doubling. */
const FIRST_CHUNK_CAPACITY = 64;

/**
 * A destination's page versions (see page-version.ts), kept by groups of 32
 * pages: a group whose pages share one version is that one byte; a group
 * whose pages differ gets a 32-byte chunk. What a destination receives is
 * mostly uniform (the bulk round sends whole runs at the initial version;
 * only pages the guest wrote come again), so a 16 GiB VM's versions take
 * about 0.6 MiB here instead of 4 MiB, and the bulk round writes a byte per
 * 32 pages. Reads give what a flat array of versions would hold, and
 * `digest()` equals `versionsDigest` of that array.
 *
 * Every page starts absent. A chunk is never handed back while the store
 * lives (a group that turns uniform again through a `fill` frees its chunk
 * for the next group that needs one).
 */
export class GroupedPageVersions {
  private groupCount: number;
  /** The version of every page of a group without a chunk. */
  private uniform: Uint8Array;
  /** A group's chunk number + 1, or 0 for none. */
  private chunkOf: Uint32Array;
  private chunks: Uint8Array = new Uint8Array(0);
  private chunkWords: Uint32Array = new Uint32Array(0);
  private chunkCount = 0;
  private readonly freeChunks: number[] = [];

  constructor(pages: number) {
    const groups = Math.ceil(pages / GROUP_PAGES);
    this.groupCount = groups;
    // Both from the pool, cleared: every page absent (version 0), no chunk.
    this.uniform = new Uint8Array(takeZeroedBuffer(groups), 0, groups);
    this.chunkOf = new Uint32Array(takeZeroedBuffer(groups * 4), 0, groups);
  }

  /** Pages, padded to whole groups (as `allocateVersions` pads a flat array). */
  get length(): number {
    return this.groupCount * GROUP_PAGES;
  }

  get(index: number): number {
    const group = index >>> 5;
    const chunk = this.chunkOf[group]!;
    return chunk === 0 ? this.uniform[group]! : this.chunks[(chunk - 1) * GROUP_PAGES + (index & 31)]!;
  }

  /** Pages [start, end) get `version` (in-order data: a later batch overwrites). */
  fill(start: number, end: number, version: number): void {
    if (start >= end) return;
    // Whole groups [firstFull, endFull) in one pass; the partial groups at either end page by page.
    const firstFull = (start + GROUP_PAGES - 1) >>> 5;
    const endFull = end >>> 5;
    if (firstFull >= endFull) {
      // No whole group: one part, or the end of one group and the start of the next.
      const split = Math.min(end, ((start >>> 5) + 1) << 5);
      this.fillPart(start, split, version);
      if (split < end) this.fillPart(split, end, version);
      return;
    }
    if (start < firstFull << 5) this.fillPart(start, firstFull << 5, version);
    // A plain loop: a batch's run spans a few dozen groups, less than a fill() call costs.
    const uniform = this.uniform;
    if (this.chunkCount > this.freeChunks.length) {
      const chunkOf = this.chunkOf;
      for (let group = firstFull; group < endFull; group++) {
        const chunk = chunkOf[group]!;
        if (chunk !== 0) {
          this.freeChunks.push(chunk - 1);
          chunkOf[group] = 0;
        }
        uniform[group] = version;
      }
    } else {
      for (let group = firstFull; group < endFull; group++) uniform[group] = version;
    }
    if (end > endFull << 5) this.fillPart(endFull << 5, end, version);
  }

  /**
   * `fill` inside one group. A fill that leaves the group's pages at one
   * version gives its chunk back (in order, a batch ends inside a group and
   * the next one fills the rest: the group is a chunk only between them).
   */
  private fillPart(start: number, end: number, version: number): void {
    const group = start >>> 5;
    const groupStart = group << 5;
    const chunk = this.chunkOf[group]!;
    if (chunk === 0 && this.uniform[group] === version) return;
    const index = chunk === 0 ? this.splitGroup(group) : chunk - 1;
    const base = index * GROUP_PAGES - groupStart;
    this.chunks.fill(version, base + start, base + end);
    const words = this.chunkWords;
    const pattern = Math.imul(version, 0x01010101) >>> 0;
    for (let k = index << 3, last = k + 8; k < last; k++) if (words[k] !== pattern) return;
    this.uniform[group] = version;
    this.chunkOf[group] = 0;
    this.freeChunks.push(index);
  }

  /**
   * Pages [start, end) get `version` where it is newer than what they hold
   * (data applied out of order), or, with `onlyAbsent`, only where they are
   * absent (after a post-copy package: what the destination already has stays).
   */
  merge(start: number, end: number, version: number, onlyAbsent: boolean): void {
    this.forEachPart(start, end, (group, from, to) => {
      const chunk = this.chunkOf[group]!;
      if (chunk !== 0) {
        const chunks = this.chunks;
        for (let p = (chunk - 1) * GROUP_PAGES + from; p < (chunk - 1) * GROUP_PAGES + to; p++) {
          const current = chunks[p]!;
          if (onlyAbsent ? current === ABSENT_PAGE_VERSION : isNewerPageVersion(version, current)) chunks[p] = version;
        }
        return;
      }
      const current = this.uniform[group]!;
      const replace = onlyAbsent ? current === ABSENT_PAGE_VERSION : isNewerPageVersion(version, current);
      if (!replace || current === version) return;
      if (from === 0 && to === GROUP_PAGES) this.uniform[group] = version;
      else {
        const base = this.splitGroup(group) * GROUP_PAGES;
        this.chunks.fill(version, base + from, base + to);
      }
    });
  }

  /** Absent pages in [start, end). */
  countAbsent(start: number, end: number): number {
    let absent = 0;
    this.forEachPart(start, end, (group, from, to) => {
      const chunk = this.chunkOf[group]!;
      if (chunk === 0) {
        if (this.uniform[group] === ABSENT_PAGE_VERSION) absent += to - from;
        return;
      }
      const chunks = this.chunks;
      for (let p = (chunk - 1) * GROUP_PAGES + from; p < (chunk - 1) * GROUP_PAGES + to; p++) if (chunks[p] === ABSENT_PAGE_VERSION) absent++;
    });
    return absent;
  }

  /** Calls `visit` for each group [start, end) touches, with the pages of it touched (offsets in the group). */
  private forEachPart(start: number, end: number, visit: (group: number, from: number, to: number) => void): void {
    for (let i = start; i < end; ) {
      const group = i >>> 5;
      const groupStart = group << 5;
      const stop = Math.min(end, groupStart + GROUP_PAGES);
      visit(group, i - groupStart, stop - groupStart);
      i = stop;
    }
  }

  /** `versionsDigest` of the flat array these versions stand for, a group at a time. */
  digest(): number {
    let sum = 0;
    const words = this.chunkWords;
    for (let group = 0; group < this.groupCount; group++) {
      const chunk = this.chunkOf[group]!;
      if (chunk === 0) {
        const version = this.uniform[group]!;
        if (version !== INITIAL_PAGE_VERSION) sum = (sum + versionGroupShare(group, UNIFORM_GROUP_FOLD[version]!)) | 0;
        continue;
      }
      const base = (chunk - 1) << 3;
      let hash = GROUP_FOLD_SEED;
      let initial = true;
      for (let k = 0; k < 8; k++) {
        const word = words[base + k]!;
        if (word !== INITIAL_VERSION_WORD) initial = false;
        hash = foldVersionWord(hash, word);
      }
      if (!initial) sum = (sum + versionGroupShare(group, hash)) | 0;
    }
    return sum >>> 0;
  }

  /** The versions as one flat array (a copy). */
  toArray(): Uint8Array {
    const flat = new Uint8Array(this.length);
    for (let group = 0; group < this.groupCount; group++) {
      const chunk = this.chunkOf[group]!;
      if (chunk === 0) flat.fill(this.uniform[group]!, group << 5, (group + 1) << 5);
      else flat.set(this.chunks.subarray((chunk - 1) * GROUP_PAGES, chunk * GROUP_PAGES), group << 5);
    }
    return flat;
  }

  /** Bytes held: a byte and a chunk number per group, and the chunks made room for. */
  modelBytes(): number {
    return this.uniform.byteLength + this.chunkOf.byteLength + this.chunks.byteLength;
  }

  /** Gives every array back for reuse; the store holds no page afterwards. */
  release(): void {
    if (this.chunks.byteLength > 0) recycleBuffer(this.chunks.buffer);
    recycleBuffer(this.uniform.buffer);
    recycleBuffer(this.chunkOf.buffer);
    this.chunks = new Uint8Array(0);
    this.chunkWords = new Uint32Array(0);
    this.chunkCount = 0;
    this.freeChunks.length = 0;
    this.groupCount = 0;
    this.uniform = new Uint8Array(0);
    this.chunkOf = new Uint32Array(0);
  }

  /** Gives a uniform group a chunk holding its version in every page; returns the chunk's number. */
  private splitGroup(group: number): number {
    let chunk = this.freeChunks.pop();
    if (chunk === undefined) {
      if (this.chunkCount * GROUP_PAGES === this.chunks.length) this.growChunks();
      chunk = this.chunkCount++;
    }
    this.chunks.fill(this.uniform[group]!, chunk * GROUP_PAGES, (chunk + 1) * GROUP_PAGES);
    this.chunkOf[group] = chunk + 1;
    return chunk;
  }

  private growChunks(): void {
    const capacity = Math.min(this.groupCount, Math.max(FIRST_CHUNK_CAPACITY, (this.chunks.length / GROUP_PAGES) * 2));
    const bytes = capacity * GROUP_PAGES;
    // Chunks are written whole (`splitGroup`) before they are read: a recycled buffer needs no clearing.
    const next = new Uint8Array(takeUnclearedBuffer(bytes), 0, bytes);
    next.set(this.chunks);
    if (this.chunks.byteLength > 0) recycleBuffer(this.chunks.buffer);
    this.chunks = next;
    this.chunkWords = new Uint32Array(next.buffer, 0, bytes >>> 2);
  }
}
