import type { PageBatch } from '@migsim/migration';

/** Shared empty result: `advance` runs at every wake of every migration. */
const NOTHING_DEPARTED: readonly PageBatch[] = Object.freeze([]);

interface LinkItem {
  batch: PageBatch;
  remainingBytes: number;
}

/**
 * One migration's stream on the network: batches leave the source in order
 * (FIFO) at the flow's current max-min fair rate, and reach the destination
 * `latencyNs` after their last byte left. The link remembers the time up to
 * which it has moved bytes (`timeNs`), so the engine only touches it when
 * this migration has something to do or when rates change. Rate 0 (link or
 * host down) moves nothing.
 */
export class AttemptLink {
  /** Departed items are cleared (undefined) so their batches can be collected young. */
  private items: (LinkItem | undefined)[] = [];
  private head = 0;
  /** Bytes still to leave, over every queued item (asked after every step of the host: kept, not summed). */
  private queued = 0;

  constructor(
    public bytesPerSec: number,
    public latencyNs: number,
    public timeNs: number,
  ) {}

  enqueue(batch: PageBatch): void {
    this.items.push({ batch, remainingBytes: batch.wireBytes });
    this.queued += batch.wireBytes;
  }

  isIdle(): boolean {
    return this.head === this.items.length;
  }

  /**
   * Bytes still queued, from a running sum (asked after every step of the
   * host); a byte under it, so that rounding in the sum can only make the
   * lookahead bounds built from it earlier, never later.
   */
  queuedBytes(): number {
    return this.head === this.items.length ? 0 : Math.max(0, this.queued - 1);
  }

  /** When the head batch will have fully left, or null (idle, or rate 0). */
  nextDepartureNs(): number | null {
    const item = this.items[this.head];
    if (item === undefined) return null;
    if (item.remainingBytes <= 0) return this.timeNs;
    if (this.bytesPerSec <= 0) return null;
    return this.timeNs + (item.remainingBytes / this.bytesPerSec) * 1e9;
  }

  /** Moves bytes up to `toNs` at the current rate; returns the batches that fully left, in order. */
  advance(toNs: number): readonly PageBatch[] {
    if (toNs <= this.timeNs) {
      const head = this.items[this.head];
      if (head === undefined || head.remainingBytes > 0) return NOTHING_DEPARTED;
      const departed: PageBatch[] = [];
      this.collectEmptyHead(departed);
      return departed;
    }
    let departed: PageBatch[] | undefined;
    let budget = this.bytesPerSec > 0 ? ((toNs - this.timeNs) * this.bytesPerSec) / 1e9 : 0;
    this.timeNs = toNs;
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      if (item.remainingBytes > 0) {
        const take = Math.min(budget, item.remainingBytes);
        item.remainingBytes -= take;
        this.queued -= take;
        budget -= take;
        // Floating point: a sub-byte remainder counts as sent.
        if (item.remainingBytes > 0.01) break;
        this.queued -= item.remainingBytes;
        item.remainingBytes = 0;
      }
      if (departed === undefined) departed = [item.batch];
      else departed.push(item.batch);
      this.items[this.head] = undefined;
      this.head += 1;
    }
    this.compact();
    return departed ?? NOTHING_DEPARTED;
  }

  /** Drops everything queued (the connection is gone). */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.queued = 0;
  }

  private collectEmptyHead(departed: PageBatch[]): void {
    while (this.head < this.items.length && this.items[this.head]!.remainingBytes <= 0) {
      departed.push(this.items[this.head]!.batch);
      this.items[this.head] = undefined;
      this.head += 1;
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
