/**
 * Where the guest model draws its randomness from: uniform in [0, 1).
 * The engine passes a seeded, forked Rng; the guest never falls back to
 * `Math.random`, so one seed reproduces every write.
 */
export interface RandomSource {
  next(): number;
}
