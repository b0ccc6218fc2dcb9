import { describe, expect, it } from 'vitest';
import type { MigrationAction } from './actions';
import { MigrationDestination, type DestinationOutput } from './destination';
import type { MigrationEvent } from './events';
import type { PageBatch } from './page-batch';
import { MiB, migrationTestbed, splitmixRandom } from './testing';

const STEP_NS = 10_000_000;

/**
 * A driver shaped like the distributed one: batches are queue jobs that
 * reach the destination in any order (and some twice), the source learns
 * of delivery as jobs complete, and control messages take their own path.
 */
function runWithShuffledDelivery(seed: number) {
  const { guest, machine } = migrationTestbed({
    memoryBytes: 64 * MiB,
    workload: { vcpus: 2, pattern: 'uniform', dirtyRateBytesPerSec: 24 * MiB, writeWorkingSetBytes: 4 * MiB },
    params: { 'max-bandwidth': 64 * MiB, 'downtime-limit': 30, model: { batchBytesMax: 256 * 1024 } },
    seed,
  });
  const rng = splitmixRandom(seed);
  let destination: MigrationDestination | null = null;
  let jobs: PageBatch[] = [];
  /** Jobs on their way to the destination, each with the step it lands in. */
  let inTransit: { batch: PageBatch; atStep: number }[] = [];
  const control: (() => DestinationOutput[])[] = [];
  let switchSource: Uint8Array | null = null;
  let paused = false;
  let now = 0;
  const feed = (event: MigrationEvent) => machine.handle(event).forEach(apply);
  function apply(action: MigrationAction): void {
    if (action.type === 'prepare-destination') destination = new MigrationDestination(action);
    if (action.type === 'send-pages') jobs.push(action.batch);
    if (action.type === 'pause-vm') paused = true;
    if (action.type === 'resume-destination') {
      switchSource = machine.sourcePageVersions()!.slice();
      control.push(() => destination!.resume(action.check));
    }
  }
  feed({ type: 'start', atNs: now });
  for (let step = 0; step < 100_000 && !machine.isFinished(); step++) {
    if (!paused) guest.step(STEP_NS);
    now += STEP_NS;
    feed({ type: 'tick', atNs: now });
    // Every queued job leaves this step; each lands 0-50 steps later (a few twice), so a page's
    // newer copy can overtake its older one.
    const sent = jobs;
    jobs = [];
    feed({ type: 'bytes-delivered', atNs: now, bytes: sent.reduce((sum, b) => sum + b.wireBytes, 0) });
    for (const batch of [...sent, ...sent.filter(() => rng.next() < 0.1)]) inTransit.push({ batch, atStep: step + Math.floor(rng.next() * 51) });
    const landing = inTransit.filter((job) => job.atStep <= step).sort(() => rng.next() - 0.5);
    inTransit = inTransit.filter((job) => job.atStep > step);
    const outputs = landing.flatMap((job) => destination!.receive(job.batch));
    // A control message may overtake page jobs: run it before the batches of the next step.
    outputs.push(...control.splice(0).flatMap((run) => run()));
    for (const output of outputs) {
      if (output.type === 'resumed') feed({ type: 'destination-resumed', atNs: now, verification: output.verification });
    }
  }
  return { machine, destination: destination as MigrationDestination | null, switchSource: switchSource as Uint8Array | null };
}

describe('delivery through queues', () => {
  for (const seed of [1, 2, 3]) {
    it(`batches applied out of order and twice still leave the destination equal to the source at switchover (seed ${seed})`, () => {
      const { machine, destination, switchSource } = runWithShuffledDelivery(seed);
      expect(machine.status()).toBe('completed');
      expect(machine.info().ram['dirty-sync-count']).toBeGreaterThan(3);
      const versions = destination!.pageVersions();
      for (const slot of machine.layout.slots) {
        for (let i = slot.offset; i < slot.offset + slot.npages; i++) expect(versions[i]).toBe(switchSource![i]);
      }
    });
  }
});
