import type { AdmissionController } from './admission';

/**
 * Migrations waiting for admission, in a deterministic order: lower
 * `priority` first, then the order they were requested. A migration whose
 * retry backoff has not elapsed (`notBeforeNs` in the future) is skipped.
 * Admission scans the whole queue, so a migration blocked by its own host's
 * cap does not hold back one that could start elsewhere (no head-of-line
 * blocking), as KubeVirt's migration controller re-queues a migration that
 * hits `parallelOutboundMigrationsPerNode` and goes on with the others.
 */
export interface PendingMigration {
  id: string;
  vmName: string;
  sourceHost: string;
  destinationHost: string;
  /** Earliest start (retry backoff); 0 = at once. */
  notBeforeNs: number;
  /** Lower starts first; ties keep request order. */
  priority: number;
}

interface QueuedMigration extends PendingMigration {
  sequence: number;
}

export class PendingQueue {
  private readonly entries: QueuedMigration[] = [];
  private nextSequence = 0;

  get size(): number {
    return this.entries.length;
  }

  enqueue(migration: PendingMigration): void {
    const entry: QueuedMigration = { ...migration, sequence: this.nextSequence };
    this.nextSequence += 1;
    // Insert keeping (priority, sequence) order; the new entry has the largest sequence.
    let index = this.entries.length;
    while (index > 0 && this.entries[index - 1]!.priority > entry.priority) index -= 1;
    this.entries.splice(index, 0, entry);
  }

  /** Removes a pending migration (cancelled before it started); returns whether it was there. */
  remove(id: string): boolean {
    const index = this.entries.findIndex((entry) => entry.id === id);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    return true;
  }

  has(id: string): boolean {
    return this.entries.some((entry) => entry.id === id);
  }

  /** The waiting migrations in admission order. */
  list(): readonly PendingMigration[] {
    return this.entries.map(({ sequence: _sequence, ...rest }) => rest);
  }

  /**
   * Admits, in order, every ready migration the caps allow; returns them (already
   * admitted in `admission` and removed from the queue).
   */
  admitReady(nowNs: number, admission: AdmissionController): PendingMigration[] {
    const admitted: PendingMigration[] = [];
    for (let i = 0; i < this.entries.length; ) {
      if (admission.clusterFull()) break;
      const entry = this.entries[i]!;
      if (entry.notBeforeNs <= nowNs && admission.canAdmit(entry)) {
        admission.admit(entry);
        this.entries.splice(i, 1);
        const { sequence: _sequence, ...migration } = entry;
        admitted.push(migration);
      } else {
        i += 1;
      }
    }
    return admitted;
  }

  /** The earliest future `notBeforeNs` among waiting migrations (when a backoff ends), if any. */
  nextWakeNs(nowNs: number): number | undefined {
    let next: number | undefined;
    for (const entry of this.entries) {
      if (entry.notBeforeNs > nowNs && (next === undefined || entry.notBeforeNs < next)) next = entry.notBeforeNs;
    }
    return next;
  }
}
