import { FirstWritePart } from './first-writes';
import type { RandomSource } from './random-source';
import type { PageRunSink } from './page-run-sink';
import { emitUniformHits } from './saturated-writes';
import type { AccessPattern } from './workload-spec';
import { ZipfPageHits, ZipfRankBlocks } from './zipf-blocks';
import { ZipfSampler } from './zipf-sampler';

export type { PageRunSink } from './page-run-sink';

/**
 * A zipf step of at least this many writes (and fewer than the write set
 * has pages) draws the pages it hits, once each, block by block
 * (zipf-blocks.ts) instead of drawing every write: hot ranks are hit many
 * times a step, and a repeat in one step dirties nothing new.
 */
export const ZIPF_HITS_MIN_WRITES = 512;

export interface WriteStreamOptions {
  pattern: AccessPattern;
  /** Pages in the write working set. */
  writeSetPages: number;
  zipfExponent: number;
  hotFraction: number;
  hotAccessShare: number;
  rng: RandomSource;
}

/**
 * Picks the pages the guest writes, as page indexes in [0, writeSetPages).
 * Every page is inside the write working set, so the distinct pages dirtied
 * in a round can never exceed it. Random patterns emit one page per write
 * (repeats allowed: they are write hits); `sequential` emits runs. No
 * per-page allocation: the sink is called with plain numbers.
 *
 * A step with at least as many writes as the write set has pages is
 * *saturated*: it emits the distinct pages it hits, each once, in runs
 * (see saturated-writes.ts), so its cost is bounded by the write set
 * whatever the dirty rate.
 */
export class WriteStream {
  /** Next page of the sequential sweep. */
  private sweepPage = 0;
  private readonly zipf: ZipfSampler | null;
  private zipfBlocks: ZipfRankBlocks | null = null;
  private zipfPageHits: ZipfPageHits | null = null;
  /** Stride that scatters zipf ranks over the write set (coprime with its size). */
  readonly zipfStride: number;
  /** Pages [0, hotPages) form the hot set of `hot-cold`. */
  readonly hotPages: number;
  /** `emitFirstWrites` state: the MMU change count it belongs to, the parts, the pages swept. */
  private firstWriteEpoch = -1;
  private firstWriteParts: FirstWritePart[] | null = null;
  private sweptSinceEpoch = 0;

  constructor(private readonly options: WriteStreamOptions) {
    const pages = options.writeSetPages;
    this.zipf = options.pattern === 'zipf' ? new ZipfSampler(pages, options.zipfExponent) : null;
    this.zipfStride = scatterStride(pages);
    this.hotPages = Math.min(pages, Math.max(1, Math.round(options.hotFraction * pages)));
  }

  /** Where the sequential sweep writes next. */
  get sweepPosition(): number {
    return this.sweepPage;
  }

  /** Emits `writeCount` page writes to `sink`. */
  emit(writeCount: number, sink: PageRunSink): void {
    if (writeCount <= 0) return;
    const { pattern, writeSetPages, rng } = this.options;
    if (writeCount >= writeSetPages) {
      this.emitSaturated(writeCount, sink);
      return;
    }
    switch (pattern) {
      case 'sequential': {
        let left = writeCount;
        while (left > 0) {
          const run = Math.min(left, writeSetPages - this.sweepPage);
          sink(this.sweepPage, run);
          left -= run;
          this.sweepPage += run;
          if (this.sweepPage === writeSetPages) this.sweepPage = 0;
        }
        return;
      }
      case 'uniform':
        for (let i = 0; i < writeCount; i++) sink(Math.floor(rng.next() * writeSetPages), 1);
        return;
      case 'zipf': {
        if (writeCount >= ZIPF_HITS_MIN_WRITES) {
          this.rankBlocks().emitHits(writeCount, rng, this.rankSink(sink));
          return;
        }
        const zipf = this.zipf as ZipfSampler;
        for (let i = 0; i < writeCount; i++) sink(this.pageOfRank(zipf.sample(rng)), 1);
        return;
      }
      case 'hot-cold': {
        const hot = this.hotPages;
        const cold = writeSetPages - hot;
        const hotShare = this.options.hotAccessShare;
        for (let i = 0; i < writeCount; i++) {
          const toHot = cold === 0 || rng.next() < hotShare;
          sink(toHot ? Math.floor(rng.next() * hot) : hot + Math.floor(rng.next() * cold), 1);
        }
        return;
      }
    }
  }

  /**
   * Emits only the pages that `writeCount` writes write for the first time
   * since the MMU's kernel change count was `epoch` (see first-writes.ts):
   * for a guest whose writes nobody but its MMU sees, the others change
   * nothing. A new epoch forgets what was written.
   */
  emitFirstWrites(writeCount: number, epoch: number, sink: PageRunSink): void {
    const { pattern, writeSetPages, rng } = this.options;
    if (epoch !== this.firstWriteEpoch) {
      this.firstWriteEpoch = epoch;
      this.sweptSinceEpoch = 0;
      for (const part of this.firstWriteParts ?? []) part.reset();
    }
    if (pattern === 'sequential') {
      if (this.sweptSinceEpoch < writeSetPages) {
        this.sweptSinceEpoch += writeCount;
        this.emit(writeCount, sink);
      } else {
        this.sweepPage = (this.sweepPage + (writeCount % writeSetPages)) % writeSetPages;
      }
      return;
    }
    const parts = (this.firstWriteParts ??= this.makeFirstWriteParts());
    const partSink = pattern === 'zipf' ? this.rankSink(sink) : sink;
    for (const part of parts) part.emit(writeCount, rng, partSink);
  }

  /** A sink of 0-based zipf ranks that passes their pages to `sink`, one at a time. */
  private rankSink(sink: PageRunSink): PageRunSink {
    return (rankIndex, count) => {
      for (let r = rankIndex; r < rankIndex + count; r++) sink(this.pageOfRank(r + 1), 1);
    };
  }

  private rankBlocks(): ZipfRankBlocks {
    return (this.zipfBlocks ??= new ZipfRankBlocks(this.options.writeSetPages, this.options.zipfExponent));
  }

  private makeFirstWriteParts(): FirstWritePart[] {
    const pages = this.options.writeSetPages;
    if (this.options.pattern === 'zipf') return this.rankBlocks().firstWriteParts();
    if (this.options.pattern === 'uniform') return [new FirstWritePart(0, pages, 1 / pages)];
    const hot = this.hotPages;
    const cold = pages - hot;
    if (cold === 0) return [new FirstWritePart(0, hot, 1 / hot)];
    const share = this.options.hotAccessShare;
    return [new FirstWritePart(0, hot, share / hot), new FirstWritePart(hot, cold, (1 - share) / cold)];
  }

  /** Bytes held for `emitFirstWrites`. */
  firstWriteBytes(): number {
    return (this.firstWriteParts ?? []).reduce((sum, part) => sum + part.modelBytes(), 0);
  }

  /** A saturated step: every distinct page hit, once. */
  private emitSaturated(writeCount: number, sink: PageRunSink): void {
    const { pattern, writeSetPages, rng } = this.options;
    switch (pattern) {
      case 'sequential': {
        // Every page is swept at least once; the sweep ends where writeCount writes take it.
        const start = this.sweepPage;
        sink(start, writeSetPages - start);
        if (start > 0) sink(0, start);
        this.sweepPage = (start + (writeCount % writeSetPages)) % writeSetPages;
        return;
      }
      case 'uniform':
        emitUniformHits(0, writeSetPages, writeCount, rng, sink);
        return;
      case 'zipf':
        (this.zipfPageHits ??= new ZipfPageHits(this.rankBlocks(), this.zipfStride)).emit(writeCount, rng, sink);
        return;
      case 'hot-cold': {
        // So many writes that the binomial split between the parts is its mean, to within a fraction of a percent.
        const cold = writeSetPages - this.hotPages;
        const hotWrites = cold === 0 ? writeCount : Math.round(writeCount * this.options.hotAccessShare);
        emitUniformHits(0, this.hotPages, hotWrites, rng, sink);
        emitUniformHits(this.hotPages, cold, writeCount - hotWrites, rng, sink);
        return;
      }
    }
  }

  /**
   * Zipf rank r (1 = hottest) -> page ((r - 1) * stride) mod pages. The
   * stride is a prime just above 512, so consecutive ranks land about one
   * 2 MiB region apart: the hottest pages are spread over the write set as
   * a heap's hot objects are, instead of all sitting in one huge page.
   */
  pageOfRank(rank: number): number {
    return ((rank - 1) * this.zipfStride) % this.options.writeSetPages;
  }
}

/** First prime >= 521 that does not divide `pages` (so it is coprime with it). */
function scatterStride(pages: number): number {
  for (let p = 521; ; p += 2) {
    if (isPrime(p) && pages % p !== 0) return p;
  }
}

function isPrime(n: number): boolean {
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return n % 2 !== 0;
}
