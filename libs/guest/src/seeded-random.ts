import type { RandomSource } from './random-source';

/**
 * A small seeded generator for tests (mulberry32, 32-bit state). The
 * engine passes its own forked Rng; this one only exists so guest tests do
 * not depend on libs/sim.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
