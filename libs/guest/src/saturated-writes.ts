import { geometric, hitProbability, missProbability } from './first-writes';
import type { PageRunSink } from './page-run-sink';
import type { RandomSource } from './random-source';


/**
 * What a step of at least as many writes as the write working set has pages
 * leaves behind. A page written twice in a step is dirtied once (the D bit,
 * the PML entry and the dirty bitmap hold one bit per page), so such a step
 * is drawn as the set of distinct pages it hits, each page once, in runs of
 * consecutive pages: the work follows the pages, not the write rate.
 *
 * Page i, hit by one write with probability q_i, is hit by at least one of
 * N independent writes with probability 1 - (1 - q_i)^N; the pages are drawn
 * independently with those probabilities (the multinomial's marginals; the
 * small negative correlation between pages is not kept).
 */

/**
 * Uniform writes over pages [first, first + pages): every page is hit with
 * the same probability p, so only the rarer outcome is drawn: the pages
 * missed when p > 1/2, the pages hit otherwise, by geometric skips between
 * them. That costs at most min(p, 1 - p) x pages draws (and sink calls for
 * runs of hit pages), however many the writes.
 */
export function emitUniformHits(first: number, pages: number, writes: number, rng: RandomSource, sink: PageRunSink): void {
  if (pages <= 0 || writes <= 0) return;
  const pageMiss = missProbability(writes, 1 / pages);
  let runStart = -1;
  let runEnd = -1;
  const hit = (page: number) => {
    if (page === runEnd) {
      runEnd += 1;
      return;
    }
    if (runStart >= 0) sink(first + runStart, runEnd - runStart);
    runStart = page;
    runEnd = page + 1;
  };
  if (pageMiss < 0.5) {
    // Walk the misses: the pages between two of them are all hit.
    let page = 0;
    while (page < pages) {
      const hits = Math.min(pageMiss === 0 ? pages : geometric(rng, pageMiss), pages - page);
      if (hits > 0) {
        if (runStart >= 0) sink(first + runStart, runEnd - runStart);
        runStart = page;
        runEnd = page + hits;
      }
      page += hits + 1;
    }
  } else {
    // Walk the hits.
    const pageHit = hitProbability(writes, 1 / pages);
    for (let page = geometric(rng, pageHit); page < pages; page += 1 + geometric(rng, pageHit)) hit(page);
  }
  if (runStart >= 0) sink(first + runStart, runEnd - runStart);
}

/** Exact terms before the Euler-Maclaurin tail of the harmonic sum. */
const HARMONIC_EXACT_TERMS = 1000;

/**
 * H(n, s) = sum of k^-s for k = 1..n: the first terms summed, the rest by
 * Euler-Maclaurin (integral, half end terms, first derivative correction),
 * accurate to about 1e-12 relative, in O(1000) whatever n.
 */
export function generalizedHarmonic(n: number, s: number): number {
  const exact = Math.min(n, HARMONIC_EXACT_TERMS);
  let sum = 0;
  for (let k = exact; k >= 1; k--) sum += Math.pow(k, -s);
  if (n <= exact) return sum;
  const a = exact + 1;
  const f = (x: number) => Math.pow(x, -s);
  const derivative = (x: number) => -s * Math.pow(x, -s - 1);
  const integral = s === 1 ? Math.log(n / a) : (Math.pow(n, 1 - s) - Math.pow(a, 1 - s)) / (1 - s);
  return sum + integral + (f(a) + f(n)) / 2 + (derivative(n) - derivative(a)) / 12;
}
