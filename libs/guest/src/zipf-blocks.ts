import { FirstWritePart, geometric, hitProbability, missProbability } from './first-writes';
import type { PageRunSink } from './page-run-sink';
import type { RandomSource } from './random-source';
import { generalizedHarmonic } from './saturated-writes';

/**
 * The ranks of a zipf write set (rank r, 1 = hottest, written with
 * probability q_r = r^-s / H(W, s) per write) cut into blocks [a, b) so
 * narrow that q_a <= 2 q_b: within a block every page's chance is within a
 * factor of two of the block's hottest. A step of N writes then draws the
 * pages it hits block by block, by geometric skips at the hottest page's
 * hit probability P_a = 1 - (1 - q_a)^N, keeping a candidate r with
 * probability (1 - (1 - q_r)^N) / P_a (at least 1/2: the hit probability is
 * concave in q). Each page comes out with exactly its own probability,
 * independently of the others (the multinomial's marginals, as in
 * saturated-writes.ts), and a step costs about two draws per page it hits
 * plus one per block (about s log2 W blocks): the work follows the pages,
 * not the writes, however hot the head of the distribution.
 *
 * Ranks are passed to the sink 0-based (rank r as r - 1), one at a time:
 * the caller scatters them over the write set.
 */
export class ZipfRankBlocks {
  /** Block k holds 0-based ranks [starts[k], starts[k + 1]). */
  readonly starts: number[] = [0];
  private readonly harmonic: number;

  constructor(
    readonly ranks: number,
    readonly exponent: number,
  ) {
    this.harmonic = generalizedHarmonic(ranks, exponent);
    const widen = Math.pow(2, 1 / exponent);
    for (let a = 1; a <= ranks; ) {
      const b = Math.min(ranks + 1, Math.max(a + 1, Math.floor(a * widen)));
      this.starts.push(b - 1);
      a = b;
    }
  }

  get blocks(): number {
    return this.starts.length - 1;
  }

  /** Per-write probability of 0-based rank `index`. */
  probability(index: number): number {
    return Math.pow(index + 1, -this.exponent) / this.harmonic;
  }

  /** Emits, once each, the ranks that `writes` writes hit in one step. */
  emitHits(writes: number, rng: RandomSource, sink: PageRunSink): void {
    if (writes <= 0) return;
    for (let k = 0; k < this.blocks; k++) this.drawBlockHits(k, writes, rng, (rank) => sink(rank, 1));
  }

  /** Calls `hit` with each rank of block `block` that `writes` writes hit, in rank order. */
  drawBlockHits(block: number, writes: number, rng: RandomSource, hit: (rank: number) => void): void {
    const first = this.starts[block]!;
    const size = this.starts[block + 1]! - first;
    const blockHit = hitProbability(writes, this.probability(first));
    const coldHit = hitProbability(writes, this.probability(first + size - 1));
    for (let at = geometric(rng, blockHit); at < size; at += 1 + geometric(rng, blockHit)) {
      const u = rng.next() * blockHit;
      // Below the block's coldest hit chance a candidate is kept without computing its own (most are).
      if (u < coldHit || u < hitProbability(writes, this.probability(first + at))) hit(first + at);
    }
  }

  /** One first-write part per block, for `WriteStream.emitFirstWrites`. */
  firstWriteParts(): FirstWritePart[] {
    const parts: FirstWritePart[] = [];
    for (let k = 0; k < this.blocks; k++) {
      const first = this.starts[k]!;
      parts.push(new FirstWritePart(first, this.starts[k + 1]! - first, this.probability(first), (at) => this.probability(first + at)));
    }
    return parts;
  }
}

/** Zero bits below the lowest set bit of a non-zero 32-bit word. */
function trailingZeros(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/**
 * A saturated zipf step (at least as many writes as pages) as runs of hit
 * pages in page order. Blocks whose coldest rank is hit with probability
 * at least 1/2 (the hot head: hit probability falls with rank) are taken
 * whole and their *misses* drawn, by geometric skips at the coldest rank's
 * miss probability, each kept with the ratio of its own; the other blocks'
 * hits are drawn as in `emitHits`. Pages are marked in a bitmap of the write
 * set, scanned for runs: a step costs one cheap mark per head page, draws
 * for the rarer outcome only, and a word per 32 pages. A writer so fast
 * that every page is certain costs no draw and comes out as one run.
 */
export class ZipfPageHits {
  private readonly bits: Uint32Array;

  constructor(
    private readonly blocks: ZipfRankBlocks,
    /** Rank index i sits on page (i * stride) mod pages. */
    private readonly stride: number,
  ) {
    this.bits = new Uint32Array(Math.ceil(blocks.ranks / 32));
  }

  emit(writes: number, rng: RandomSource, sink: PageRunSink): void {
    const { blocks, bits } = this;
    const pages = blocks.ranks;
    let head = 0; // blocks [0, head) are mostly hit
    while (head < blocks.blocks && hitProbability(writes, blocks.probability(blocks.starts[head + 1]! - 1)) >= 0.5) head++;
    const headRanks = blocks.starts[head]!;
    if (headRanks === pages) {
      bits.fill(0xffffffff);
      if (pages % 32 !== 0) bits[bits.length - 1] = (1 << pages % 32) - 1;
    } else {
      bits.fill(0);
      for (let rank = 0, page = 0; rank < headRanks; rank++) {
        bits[page >>> 5] = bits[page >>> 5]! | (1 << (page & 31));
        page += this.stride;
        if (page >= pages) page %= pages;
      }
    }
    for (let k = 0; k < head; k++) this.clearMisses(k, writes, rng);
    const mark = (rank: number) => {
      const page = this.pageOf(rank);
      bits[page >>> 5] = bits[page >>> 5]! | (1 << (page & 31));
    };
    for (let k = head; k < blocks.blocks; k++) blocks.drawBlockHits(k, writes, rng, mark);
    this.emitRuns(sink);
  }

  private clearMisses(block: number, writes: number, rng: RandomSource): void {
    const { blocks, bits } = this;
    const first = blocks.starts[block]!;
    const size = blocks.starts[block + 1]! - first;
    const coldMiss = missProbability(writes, blocks.probability(first + size - 1));
    const hotMiss = missProbability(writes, blocks.probability(first));
    for (let at = geometric(rng, coldMiss); at < size; at += 1 + geometric(rng, coldMiss)) {
      const rank = first + at;
      const u = rng.next() * coldMiss;
      if (u >= hotMiss && u >= missProbability(writes, blocks.probability(rank))) continue;
      const page = this.pageOf(rank);
      bits[page >>> 5] = bits[page >>> 5]! & ~(1 << (page & 31));
    }
  }

  private pageOf(rank: number): number {
    return (rank * this.stride) % this.blocks.ranks;
  }

  /** The set bits as runs: each word is crossed by its run boundaries (count trailing zeros), not bit by bit. */
  private emitRuns(sink: PageRunSink): void {
    const { bits } = this;
    let runStart = -1;
    for (let w = 0; w < bits.length; w++) {
      const word = bits[w]!;
      for (let pos = 0; pos < 32; ) {
        // In a run, look for the next clear bit; outside one, for the next set bit. Bits past 31 read as "go on".
        const rest = (runStart >= 0 ? ~word : word) >>> pos;
        if (rest === 0) break;
        pos += trailingZeros(rest);
        if (runStart >= 0) {
          sink(runStart, w * 32 + pos - runStart);
          runStart = -1;
        } else {
          runStart = w * 32 + pos;
        }
      }
    }
    if (runStart >= 0) sink(runStart, this.blocks.ranks - runStart);
  }
}
