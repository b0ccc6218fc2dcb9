/**
 * The seeded pseudo-random generator of the engine: sfc32 (Chris Doty-Humphrey's
 * Small Fast Counting generator, 128-bit state) whose state is filled by
 * splitmix32 from a 32-bit key.
 *
 * One printed seed derives everything (TigerBeetle VOPR style). `fork(name)`
 * derives a child stream from the *key* of the parent and a hash of the name,
 * never from the parent's current state: a child's draws do not depend on how
 * many draws the parent or any sibling made, so adding a VM (a new fork) does
 * not change any other VM's numbers.
 */
export class Rng {
  /** The 32-bit key this stream was seeded from (root: the seed itself, mixed). */
  readonly key: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.key = splitmix32(toU32(seed) ^ 0x5bd1e995);
    let s = this.key;
    s = splitmix32(s);
    this.a = s;
    s = splitmix32(s);
    this.b = s;
    s = splitmix32(s);
    this.c = s;
    s = splitmix32(s);
    this.d = s;
    // Discard the first outputs: sfc32 mixes a fresh state within ~12 rounds.
    for (let i = 0; i < 12; i += 1) this.nextU32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of randomness (satisfies `RandomSource`). */
  next(): number {
    return this.nextU32() / 4_294_967_296;
  }

  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`Rng.int needs integers lo <= hi, got ${lo} and ${hi}`);
    }
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  /** An independent stream named `name`, derived from this stream's key only. */
  fork(name: string): Rng {
    return Rng.fromKey(splitmix32(this.key ^ hashName(name)));
  }

  /** Builds a stream whose key is exactly `key` (used by `fork`). */
  private static fromKey(key: number): Rng {
    // The constructor mixes its argument; undo nothing, just mark it distinct
    // from a root seed by the different pre-mix constant.
    return new Rng(key ^ 0x27d4eb2f);
  }
}

function toU32(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`seed must be a finite number, got ${value}`);
  // Seeds larger than 32 bits keep their high bits by folding them in.
  const low = value >>> 0;
  const high = Math.floor(value / 4_294_967_296) >>> 0;
  return (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}

/** splitmix32 (Vigna's splitmix64 reduced to 32 bits): a bijective mixer. */
export function splitmix32(seed: number): number {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of `name`, then mixed. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h >>> 0);
}
