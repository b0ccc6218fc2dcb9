/**
 * The seeded generator a scenario's population is drawn from: sfc32 seeded
 * through splitmix32, with `fork(name)` deriving a child stream from the
 * parent's key and the name only (the same construction as libs/cluster's
 * `Rng`, which this library cannot import: cluster depends on it). A VM's
 * draws come from a stream named after the VM and the attribute, so adding
 * a VM, or a distribution to another attribute, changes no other draw.
 */
export class DrawRng {
  readonly key: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.key = splitmix32((seed >>> 0) ^ 0x5bd1e995);
    let s = this.key;
    s = splitmix32(s);
    this.a = s;
    s = splitmix32(s);
    this.b = s;
    s = splitmix32(s);
    this.c = s;
    s = splitmix32(s);
    this.d = s;
    for (let i = 0; i < 12; i += 1) this.nextU32();
  }

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

  /** A float in [0, 1). */
  next(): number {
    return this.nextU32() / 4_294_967_296;
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  fork(name: string): DrawRng {
    return new DrawRng(splitmix32(this.key ^ hashName(name)) ^ 0x27d4eb2f);
  }
}

function splitmix32(seed: number): number {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h >>> 0);
}
