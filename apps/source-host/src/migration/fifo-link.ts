import type { PageBatch } from '@migsim/migration';

interface LinkItem {
  batch: PageBatch;
  remainingBytes: number;
}

/**
 * The source host's model of the migration's network path (the same FIFO as libs/migration's reference driver) for one migration: batches leave the
 * source one after the other (FIFO) at `bytesPerSec`, and reach the
 * destination `latencyNs` after their last byte left. Rate 0 = link down:
 * nothing moves.
 */
export class FifoLink {
  private items: LinkItem[] = [];
  private head = 0;

  constructor(
    public bytesPerSec: number,
    public latencyNs = 0,
  ) {}

  enqueue(batch: PageBatch): void {
    this.items.push({ batch, remainingBytes: batch.wireBytes });
  }

  isIdle(): boolean {
    return this.head === this.items.length;
  }

  /** When the batch at the head has fully left, or null (idle or link down). */
  nextDepartureNs(nowNs: number): number | null {
    const item = this.items[this.head];
    if (item === undefined) return null;
    if (item.remainingBytes === 0) return nowNs;
    if (this.bytesPerSec <= 0) return null;
    return nowNs + (item.remainingBytes / this.bytesPerSec) * 1e9;
  }

  /**
   * Moves `fromNs` -> `toNs` worth of bytes; returns the batches that fully
   * left (in order). The caller advances to `nextDepartureNs` at most, so at
   * most the head batch (plus empty ones behind it) departs per call.
   */
  advance(fromNs: number, toNs: number): PageBatch[] {
    let budget = this.bytesPerSec > 0 ? ((toNs - fromNs) * this.bytesPerSec) / 1e9 : 0;
    const departed: PageBatch[] = [];
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      if (item.remainingBytes > 0) {
        const take = Math.min(budget, item.remainingBytes);
        item.remainingBytes -= take;
        budget -= take;
        // Floating point: treat a sub-byte remainder as sent.
        if (item.remainingBytes > 0.01) break;
        item.remainingBytes = 0;
      }
      departed.push(item.batch);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return departed;
  }

  /** Drops everything queued (the connection is gone). */
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
