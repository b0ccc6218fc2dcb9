import type { RandomSource } from './random-source';
import type { AccessPattern } from './workload-spec';
import { ZipfSampler } from './zipf-sampler';

/** Receives a run of written pages: indexes into the write working set. */
export type PageRunSink = (firstPage: number, pageCount: number) => void;

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
 */
export class WriteStream {
  /** Next page of the sequential sweep. */
  private sweepPage = 0;
  private readonly zipf: ZipfSampler | null;
  /** Stride that scatters zipf ranks over the write set (coprime with its size). */
  readonly zipfStride: number;
  /** Pages [0, hotPages) form the hot set of `hot-cold`. */
  readonly hotPages: number;

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
