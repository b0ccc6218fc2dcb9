import type { RandomSource } from './random-source';

/**
 * Draws ranks 1..n with probability proportional to k^-exponent, in O(1)
 * time and memory per draw: rejection-inversion sampling (W. Hörmann and
 * G. Derflinger, "Rejection-inversion to generate variates from monotone
 * discrete distributions", ACM TOMACS 6(3), 1996), the algorithm Apache
 * Commons RNG uses in `RejectionInversionZipfSampler`. No table of n
 * weights is built, so a zipf workload over millions of pages costs nothing
 * to set up.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly squeeze: number;

  constructor(
    readonly n: number,
    readonly exponent: number,
  ) {
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in 1..n; rank 1 is the most popular. */
  sample(rng: RandomSource): number {
    for (;;) {
      const u = this.hIntegralN + rng.next() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  /** Exact share of draws that land on ranks 1..k: H(k, s) / H(n, s). Linear in k; for tests and docs. */
  static shareOfTopRanks(k: number, n: number, exponent: number): number {
    let top = 0;
    let all = 0;
    for (let i = 1; i <= n; i++) {
      const w = Math.pow(i, -exponent);
      all += w;
      if (i <= k) top += w;
    }
    return top / all;
  }

  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.exponent) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1; // limits rounding errors near the end of the support
    return Math.exp(helper1(t) * x);
  }
}

/** log1p(x) / x, continuous at 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x) / x, continuous at 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x * (1 / 3)) * (1 + 0.25 * x));
}
