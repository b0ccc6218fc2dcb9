import type { PageBatch } from './page-batch';

interface Entry {
  batch: PageBatch;
  remainingBytes: number;
}

/**
 * Batches written to the socket and not yet carried by the link, oldest
 * first, with the bytes still to go. `bytes-delivered` events consume it
 * FIFO. An empty batch behind a non-empty one waits its turn.
 */
export class InFlightBatches {
  /** Delivered entries are cleared (undefined) so their batches can be collected young. */
  private entries: (Entry | undefined)[] = [];
  private head = 0;
  /** Bytes sent and not yet delivered. */
  bytes = 0;

  push(batch: PageBatch): void {
    if (batch.wireBytes === 0 && this.head === this.entries.length) return;
    this.entries.push({ batch, remainingBytes: batch.wireBytes });
    this.bytes += batch.wireBytes;
  }

  /** Consumes `bytes`; calls `onDelivered` per batch fully carried, until it returns false. */
  deliver(bytes: number, onDelivered: (batch: PageBatch) => boolean): void {
    let left = bytes;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      if (entry.remainingBytes > 0) {
        if (left <= 0) break;
        const take = Math.min(left, entry.remainingBytes);
        entry.remainingBytes -= take;
        this.bytes -= take;
        left -= take;
        if (entry.remainingBytes > 0) break;
      }
      this.entries[this.head] = undefined;
      this.head++;
      if (!onDelivered(entry.batch)) break;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.entries.length) this.bytes = 0;
  }

  undelivered(): PageBatch[] {
    return this.entries.slice(this.head).map((entry) => entry!.batch);
  }

  /** Forgets everything (the channel carrying it is gone); returns how many batches were lost. */
  dropAll(): number {
    const lost = this.entries.length - this.head;
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
    return lost;
  }
}
