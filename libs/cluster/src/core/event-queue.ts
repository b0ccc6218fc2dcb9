/**
 * A deterministic priority queue of timed events: earliest time first, and
 * events at the same time in the order they were scheduled (a monotonically
 * increasing insertion sequence breaks every tie, so two runs with the same
 * inputs pop events in the same order).
 *
 * Binary min-heap over parallel arrays; cancellation is lazy (a cancelled
 * entry is skipped when it reaches the top).
 */
export interface ScheduledEvent<T> {
  readonly id: number;
  readonly timeNs: number;
  readonly payload: T;
}

export class EventQueue<T> {
  private readonly heap: ScheduledEvent<T>[] = [];
  private readonly cancelled = new Set<number>();
  private nextSequence = 0;

  /** Number of live (not cancelled) events. */
  get size(): number {
    return this.heap.length - this.cancelled.size;
  }

  /** Schedules `payload` at `timeNs`; returns an id usable with `cancel`. */
  push(timeNs: number, payload: T): number {
    if (!Number.isFinite(timeNs)) throw new RangeError(`event time must be finite, got ${timeNs}`);
    const id = this.nextSequence;
    this.nextSequence += 1;
    this.heap.push({ id, timeNs, payload });
    this.siftUp(this.heap.length - 1);
    return id;
  }

  /** Cancels a scheduled event; returns false if it was already popped or cancelled. */
  cancel(id: number): boolean {
    if (this.cancelled.has(id)) return false;
    if (!this.heap.some((entry) => entry.id === id)) return false;
    this.cancelled.add(id);
    return true;
  }

  /** Time of the earliest live event, or undefined when empty. */
  peekTimeNs(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.timeNs;
  }

  /** Removes and returns the earliest live event. */
  pop(): ScheduledEvent<T> | undefined {
    this.dropCancelledTop();
    return this.popTop();
  }

  /** Pops every live event with time <= `timeNs`, in order. */
  popUntil(timeNs: number): ScheduledEvent<T>[] {
    const due: ScheduledEvent<T>[] = [];
    for (;;) {
      const next = this.peekTimeNs();
      if (next === undefined || next > timeNs) return due;
      due.push(this.popTop()!);
    }
  }

  private dropCancelledTop(): void {
    if (this.cancelled.size === 0) return;
    while (this.heap.length > 0 && this.cancelled.has(this.heap[0]!.id)) {
      this.cancelled.delete(this.heap[0]!.id);
      this.popTop();
    }
  }

  private popTop(): ScheduledEvent<T> | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private before(a: ScheduledEvent<T>, b: ScheduledEvent<T>): boolean {
    return a.timeNs < b.timeNs || (a.timeNs === b.timeNs && a.id < b.id);
  }

  // Hole-moving sifts: no swap per level, one store per moved entry.
  private siftUp(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!this.before(entry, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = entry;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const entry = heap[index]!;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.before(heap[right]!, heap[left]!)) child = right;
      if (!this.before(heap[child]!, entry)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = entry;
  }
}
