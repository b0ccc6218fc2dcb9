import { describe, expect, it } from 'vitest';
import { AdmissionController } from './admission';
import { PendingQueue } from './pending-queue';
import type { PendingMigration } from './pending-queue';
import { migrationPolicy } from './policy';

function pending(id: string, sourceHost: string, extra: Partial<PendingMigration> = {}): PendingMigration {
  return { id, vmName: id, sourceHost, destinationHost: `to-${id}`, notBeforeNs: 0, priority: 0, ...extra };
}

describe('pending migrations', () => {
  it('start in request order, lower priority first', () => {
    const queue = new PendingQueue();
    queue.enqueue(pending('a', 'h1'));
    queue.enqueue(pending('b', 'h2', { priority: -1 }));
    queue.enqueue(pending('c', 'h3'));
    const admitted = queue.admitReady(0, new AdmissionController(migrationPolicy()));
    expect(admitted.map((m) => m.id)).toEqual(['b', 'a', 'c']);
  });

  it('a migration blocked by its host cap does not hold back one from another host', () => {
    const queue = new PendingQueue();
    ['a', 'b', 'c'].forEach((id) => queue.enqueue(pending(id, 'busy')));
    queue.enqueue(pending('d', 'idle'));
    const admitted = queue.admitReady(0, new AdmissionController(migrationPolicy()));
    expect(admitted.map((m) => m.id)).toEqual(['a', 'b', 'd']);
    expect(queue.list().map((m) => m.id)).toEqual(['c']);
  });

  it('a migration in retry backoff waits until its time, and says when that is', () => {
    const queue = new PendingQueue();
    queue.enqueue(pending('retry', 'h1', { notBeforeNs: 20_000 }));
    const admission = new AdmissionController(migrationPolicy());
    expect(queue.admitReady(19_999, admission)).toEqual([]);
    expect(queue.nextWakeNs(19_999)).toBe(20_000);
    expect(queue.admitReady(20_000, admission).map((m) => m.id)).toEqual(['retry']);
  });

  it('a cancelled pending migration is removed', () => {
    const queue = new PendingQueue();
    queue.enqueue(pending('a', 'h1'));
    expect(queue.remove('a')).toBe(true);
    expect(queue.remove('a')).toBe(false);
    expect(queue.size).toBe(0);
  });
});
