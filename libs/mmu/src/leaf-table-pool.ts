import { WORDS_PER_REGION } from './bits';

const MIN_CAPACITY = 64;

/**
 * The 4K leaf tables of one VM: one table per 2M region that is mapped with 4K
 * SPTEs, allocated lazily and freed when the region is collapsed or zapped. Each
 * table is 16 words in each of three bitmaps (present, writable, dirty = the
 * SPTE's D bit) plus a present count, so counting never scans bits. Tables live
 * in flat typed arrays; a region refers to its table by index. A table split
 * from a huge leaf holds its index and count but leaves its words unwritten
 * while it is uniform (region flag F_UNIFORM_TABLE): memory the process never
 * touched stays untouched until a leaf diverges.
 */
export class LeafTablePool {
  // Empty until the first table: a VM mapped all huge holds no table memory at all.
  present = new Uint32Array(0);
  writable = new Uint32Array(0);
  dirty = new Uint32Array(0);
  /** Present 4K SPTEs of each table. */
  count = new Uint16Array(0);
  private freeStack = new Int32Array(0);
  private freeTop = 0;
  private highWater = 0;
  private live = 0;

  get capacity(): number {
    return this.count.length;
  }

  get liveTables(): number {
    return this.live;
  }

  /** A table with all words zero. */
  allocZeroed(maxTables: number): number {
    const t = this.alloc(maxTables);
    const base = t * WORDS_PER_REGION;
    this.present.fill(0, base, base + WORDS_PER_REGION);
    this.writable.fill(0, base, base + WORDS_PER_REGION);
    this.dirty.fill(0, base, base + WORDS_PER_REGION);
    this.count[t] = 0;
    return t;
  }

  /** A table whose words the caller overwrites entirely (count included). */
  alloc(maxTables: number): number {
    this.live++;
    if (this.freeTop > 0) return this.freeStack[--this.freeTop]!;
    if (this.highWater === this.capacity) this.grow(this.capacity + 1, maxTables);
    return this.highWater++;
  }

  free(t: number): void {
    this.live--;
    this.freeStack[this.freeTop++] = t;
  }

  /**
   * Make room for `extra` more tables without growing on each allocation. A
   * reservation of at least half the current capacity gets exactly the room
   * it asks for (a whole-slot eager split knows its size); a smaller one grows
   * by 1.5x like an allocation, so splitting region by region (an
   * initially-set clear reaching huge leaves) costs linear copying, not
   * quadratic.
   */
  reserve(extra: number, maxTables: number): void {
    const free = this.freeTop + (this.capacity - this.highWater);
    if (free >= extra) return;
    const missing = extra - free;
    this.grow(this.capacity + missing, maxTables, missing * 2 >= this.capacity);
  }

  bytes(): number {
    return this.present.byteLength + this.writable.byteLength + this.dirty.byteLength + this.count.byteLength + this.freeStack.byteLength;
  }

  /**
   * Give memory back once most tables are free: copy live tables to the front
   * (visiting every region's table reference through `forEachTableRef`) and
   * reallocate smaller arrays.
   */
  shrinkIfSparse(forEachTableRef: (visit: (t: number) => number) => void): void {
    if (this.capacity === 0 || (this.live > 0 && (this.capacity <= MIN_CAPACITY || this.live * 4 > this.capacity))) return;
    const capacity = this.live === 0 ? 0 : Math.max(MIN_CAPACITY, Math.ceil(this.live * 1.25));
    const present = new Uint32Array(capacity * WORDS_PER_REGION);
    const writable = new Uint32Array(capacity * WORDS_PER_REGION);
    const dirty = new Uint32Array(capacity * WORDS_PER_REGION);
    const count = new Uint16Array(capacity);
    let next = 0;
    forEachTableRef((t) => {
      const from = t * WORDS_PER_REGION;
      const to = next * WORDS_PER_REGION;
      present.set(this.present.subarray(from, from + WORDS_PER_REGION), to);
      writable.set(this.writable.subarray(from, from + WORDS_PER_REGION), to);
      dirty.set(this.dirty.subarray(from, from + WORDS_PER_REGION), to);
      count[next] = this.count[t]!;
      return next++;
    });
    this.present = present;
    this.writable = writable;
    this.dirty = dirty;
    this.count = count;
    this.freeStack = new Int32Array(capacity);
    this.freeTop = 0;
    this.highWater = next;
    this.live = next;
  }

  /**
   * Grow to at least `needed` tables: by 1.5x for lazy growth, exactly for
   * reservations, never beyond `maxTables`. Only tables handed out so far are
   * copied: the rest of the new arrays stays untouched.
   */
  private grow(needed: number, maxTables: number, exact = false): void {
    const target = exact ? needed : Math.max(needed, MIN_CAPACITY, Math.ceil(this.capacity * 1.5));
    const capacity = Math.max(needed, Math.min(target, maxTables));
    const used = this.highWater * WORDS_PER_REGION;
    const grow32 = (old: Uint32Array): Uint32Array<ArrayBuffer> => {
      const next = new Uint32Array(capacity * WORDS_PER_REGION);
      next.set(old.subarray(0, used));
      return next;
    };
    this.present = grow32(this.present);
    this.writable = grow32(this.writable);
    this.dirty = grow32(this.dirty);
    const count = new Uint16Array(capacity);
    count.set(this.count.subarray(0, this.highWater));
    this.count = count;
    const freeStack = new Int32Array(capacity);
    freeStack.set(this.freeStack.subarray(0, this.freeTop));
    this.freeStack = freeStack;
  }
}
