import type { RandomSource } from './random-source';
import type { PageRunSink } from './page-run-sink';

/**
 * The pages of a uniformly written part of the write set that were written
 * since the MMU's last kernel-side change (`VmMmu.kernelChangeCount`). While
 * that count stands still a second write to such a page changes nothing and
 * costs nothing (SPTE writable, D bit set), so when nothing else listens to
 * the guest's writes only *first* writes need drawing: a page not written
 * yet is hit by N writes of per-write probability q with probability
 * 1 - (1 - q)^N, independently of the others (the multinomial's marginals).
 * The work of a step then follows the pages written for the first time, not
 * the write rate: each page is drawn once per epoch.
 *
 * While more than an eighth of the part is unwritten, candidates are drawn
 * over the whole part by geometric skips and the written ones dropped (at
 * most 8 draws per new page); below that, over an explicit list of the
 * unwritten pages.
 */
export class FirstWritePart {
  private readonly written: Uint32Array;
  private writtenCount = 0;
  /** Unwritten pages (indexes in the part), once they are few enough to list. */
  private unwritten: Int32Array | null = null;
  private unwrittenLength = 0;
  /** Per-write probability of the part's coldest page. */
  private readonly lowestProbability: number;

  constructor(
    readonly first: number,
    readonly pages: number,
    /** Probability that one write of the step lands on a given page of the part (the highest, when pages differ). */
    readonly hitProbability: number,
    /**
     * Per-write probability of page `at` of the part, when pages differ (at
     * most `hitProbability`): candidates drawn at `hitProbability` are then
     * kept with the ratio of the two hit chances, and a page not kept stays
     * unwritten (zipf-blocks.ts).
     */
    private readonly probabilityAt?: (at: number) => number,
  ) {
    this.written = new Uint32Array(Math.ceil(pages / 32));
    this.lowestProbability = probabilityAt === undefined ? hitProbability : probabilityAt(pages - 1);
  }

  /** Every page unwritten again (the MMU changed under the guest). */
  reset(): void {
    this.written.fill(0);
    this.writtenCount = 0;
    this.unwritten = null;
    this.unwrittenLength = 0;
  }

  get unwrittenPages(): number {
    return this.pages - this.writtenCount;
  }

  /** Emits the pages `writes` writes write for the first time; returns how many. */
  emit(writes: number, rng: RandomSource, sink: PageRunSink): number {
    if (writes <= 0 || this.writtenCount === this.pages) return 0;
    const pageHit = hitProbability(writes, this.hitProbability);
    if (this.unwritten === null && this.unwrittenPages * 8 <= this.pages) this.listUnwritten();
    const chances = { writes, pageHit, coldHit: hitProbability(writes, this.lowestProbability) };
    return this.unwritten === null ? this.emitOverPart(chances, rng, sink) : this.emitOverList(chances, rng, sink);
  }

  /** Whether candidate page `at`, drawn at `pageHit`, is kept (always, when every page has the same chance). */
  private keeps(at: number, chances: StepChances, rng: RandomSource): boolean {
    const probabilityAt = this.probabilityAt;
    if (probabilityAt === undefined) return true;
    const u = rng.next() * chances.pageHit;
    // Below the coldest page's hit chance a candidate is kept without computing its own.
    return u < chances.coldHit || u < hitProbability(chances.writes, probabilityAt(at));
  }

  private emitOverPart(chances: StepChances, rng: RandomSource, sink: PageRunSink): number {
    const { pageHit } = chances;
    let emitted = 0;
    let runStart = -1;
    let runEnd = -1;
    for (let page = geometric(rng, pageHit); page < this.pages; page += 1 + geometric(rng, pageHit)) {
      if (this.isWritten(page) || !this.keeps(page, chances, rng)) continue;
      this.markWritten(page);
      emitted++;
      if (page === runEnd) {
        runEnd++;
        continue;
      }
      if (runStart >= 0) sink(this.first + runStart, runEnd - runStart);
      runStart = page;
      runEnd = page + 1;
    }
    if (runStart >= 0) sink(this.first + runStart, runEnd - runStart);
    return emitted;
  }

  private emitOverList(chances: StepChances, rng: RandomSource, sink: PageRunSink): number {
    const { pageHit } = chances;
    const list = this.unwritten!;
    const chosen: number[] = [];
    for (let at = geometric(rng, pageHit); at < this.unwrittenLength; at += 1 + geometric(rng, pageHit)) {
      if (this.keeps(list[at]!, chances, rng)) chosen.push(at);
    }
    // Highest position first, so an entry swapped into a chosen slot has been dealt with: taken, or not chosen at all.
    for (let k = chosen.length - 1; k >= 0; k--) {
      const at = chosen[k]!;
      const page = list[at]!;
      list[at] = list[--this.unwrittenLength]!;
      this.markWritten(page);
      sink(this.first + page, 1);
    }
    return chosen.length;
  }

  private listUnwritten(): void {
    const list = new Int32Array(this.unwrittenPages);
    let length = 0;
    for (let page = 0; page < this.pages; page++) if (!this.isWritten(page)) list[length++] = page;
    this.unwritten = list;
    this.unwrittenLength = length;
  }

  private isWritten(page: number): boolean {
    return ((this.written[page >>> 5]! >>> (page & 31)) & 1) === 1;
  }

  private markWritten(page: number): void {
    this.written[page >>> 5] = this.written[page >>> 5]! | (1 << (page & 31));
    this.writtenCount++;
  }

  /** Bytes held: the written bitmap and, once made, the list. */
  modelBytes(): number {
    return this.written.byteLength + (this.unwritten?.byteLength ?? 0);
  }
}

/** A step's writes, the chance they hit the part's hottest page and its coldest. */
interface StepChances {
  writes: number;
  pageHit: number;
  coldHit: number;
}

/** 1 - (1 - q)^N: the chance that N writes of per-write probability q hit a page. */
export function hitProbability(writes: number, q: number): number {
  return -Math.expm1(writes * Math.log1p(-q));
}

/** (1 - q)^N: the chance that N writes of per-write probability q all miss a page. */
export function missProbability(writes: number, q: number): number {
  return Math.exp(writes * Math.log1p(-q));
}

/** Failures before the first success of probability `p`: a geometric draw (inversion); Infinity when p is 0. */
export function geometric(rng: RandomSource, p: number): number {
  if (p >= 1) return 0;
  if (p <= 0) return Infinity;
  return Math.floor(Math.log1p(-rng.next()) / Math.log1p(-p));
}
