/**
 * Independent ground truth for "destination memory equals source memory at
 * switchover". Conceptually every guest page has a version on the source
 * (bumped by every guest write) and the version the destination last
 * received; memory is equal when the two match for every page. Storing only
 * whether they match — one *stale* bit per page, word-level — is
 * equivalent and costs 1 bit per 4 KiB page (288 KiB for 9 GiB).
 *
 * The tracker learns of guest writes from the MMU access path and of
 * received pages from the destination, never from KVM's dirty log or the
 * migration bitmap: a page lost by either (a dirty bit dropped, a batch
 * never delivered) leaves a stale bit that the checker sees.
 */
export class PageVersionTracker {
  /** Bit i set = the destination's copy of page i is older than the source's. */
  private readonly stale: Uint32Array;

  constructor(readonly pageCount: number) {
    this.stale = new Uint32Array(Math.ceil(pageCount / 32));
    this.stale.fill(0xffffffff);
    this.clearTail();
  }

  /** The guest wrote pages [first, first + count) on the source. */
  sourceWrote(first: number, count: number): void {
    setRange(this.stale, first, Math.min(count, this.pageCount - first), true);
  }

  /** The destination received the current contents of pages [first, first + count). */
  destinationReceivedRange(first: number, count: number): void {
    setRange(this.stale, first, Math.min(count, this.pageCount - first), false);
  }

  /**
   * The destination received every page whose bit is set in `bitmap`
   * (bit i = page `firstPage + i`; `firstPage` must be a multiple of 32).
   */
  destinationReceivedBitmap(bitmap: Uint32Array, firstPage = 0): void {
    if (firstPage % 32 !== 0) throw new RangeError('bitmap offset must be word aligned');
    const base = firstPage / 32;
    const words = Math.min(bitmap.length, this.stale.length - base);
    for (let i = 0; i < words; i += 1) this.stale[base + i]! &= ~bitmap[i]!;
  }

  /** Pages whose destination copy is stale. */
  stalePageCount(): number {
    let count = 0;
    for (let i = 0; i < this.stale.length; i += 1) {
      const word = this.stale[i]!;
      if (word !== 0) count += popcount(word);
    }
    return count;
  }

  /** The first stale page, or -1 when the destination is identical. */
  firstStalePage(): number {
    for (let i = 0; i < this.stale.length; i += 1) {
      const word = this.stale[i]!;
      if (word !== 0) return i * 32 + (31 - Math.clz32(word & -word));
    }
    return -1;
  }

  private clearTail(): void {
    const tailBits = this.pageCount % 32;
    if (tailBits !== 0) this.stale[this.stale.length - 1] = (2 ** tailBits - 1) >>> 0;
  }
}

function setRange(words: Uint32Array, first: number, count: number, value: boolean): void {
  if (count <= 0) return;
  let page = first;
  const end = first + count;
  // Whole words in the middle of a long range at once.
  const firstWhole = (page + 31) >>> 5;
  const endWhole = end >>> 5;
  if (endWhole - firstWhole >= 4) {
    if (page < firstWhole << 5) setRange(words, page, (firstWhole << 5) - page, value);
    const fill = value ? 0xffffffff : 0;
    for (let w = firstWhole; w < endWhole; w++) words[w] = fill;
    page = endWhole << 5;
  }
  while (page < end) {
    const word = page >>> 5;
    const bit = page & 31;
    const span = Math.min(32 - bit, end - page);
    const mask = span === 32 ? 0xffffffff : (((1 << span) - 1) << bit) >>> 0;
    if (value) words[word] = (words[word]! | mask) >>> 0;
    else words[word] = (words[word]! & ~mask) >>> 0;
    page += span;
  }
}

export function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) >>> 0;
}
