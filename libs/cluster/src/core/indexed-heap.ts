/**
 * A min-heap of a fixed set of items 0..n-1, each with one key (Infinity:
 * absent), ordered by (key, item): `update` moves an item to its new key in
 * place. No allocation per operation — the engine re-keys an actor after
 * every one of its steps, hundreds of thousands of times a run.
 */
export class IndexedMinHeap {
  private readonly keys: Float64Array;
  private readonly heap: Int32Array;
  private readonly position: Int32Array;
  private length = 0;

  constructor(size: number) {
    this.keys = new Float64Array(size).fill(Infinity);
    this.heap = new Int32Array(size);
    this.position = new Int32Array(size).fill(-1);
  }

  keyOf(item: number): number {
    return this.keys[item]!;
  }

  /** The item with the smallest key (ties: the smallest item), or -1 when none has a finite key. */
  peek(): number {
    return this.length === 0 ? -1 : this.heap[0]!;
  }

  update(item: number, key: number): void {
    const at = this.position[item]!;
    this.keys[item] = key;
    if (!Number.isFinite(key)) {
      if (at >= 0) this.removeAt(at);
      return;
    }
    if (at < 0) {
      this.heap[this.length] = item;
      this.position[item] = this.length;
      this.length += 1;
      this.up(this.length - 1);
      return;
    }
    this.up(at);
    this.down(this.position[item]!);
  }

  private before(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private removeAt(at: number): void {
    const item = this.heap[at]!;
    this.position[item] = -1;
    this.length -= 1;
    if (at === this.length) return;
    const last = this.heap[this.length]!;
    this.heap[at] = last;
    this.position[last] = at;
    this.up(at);
    this.down(this.position[last]!);
  }

  private up(at: number): void {
    const heap = this.heap;
    const item = heap[at]!;
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!this.before(item, above)) break;
      heap[i] = above;
      this.position[above] = i;
      i = parent;
    }
    heap[i] = item;
    this.position[item] = i;
  }

  private down(at: number): void {
    const heap = this.heap;
    const length = this.length;
    const item = heap[at]!;
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = heap[left]!;
      let childAt = left;
      if (right < length && this.before(heap[right]!, child)) {
        child = heap[right]!;
        childAt = right;
      }
      if (!this.before(child, item)) break;
      heap[i] = child;
      this.position[child] = i;
      i = childAt;
    }
    heap[i] = item;
    this.position[item] = i;
  }
}
