/**
 * The README's worked example: a 64 GiB, 8-vCPU guest on Skylake-SP whose
 * migration fails after 10 s of dirty logging (eager split: the whole slot
 * goes to 4K), under three recovery strategies.
 *
 *   npx tsx --conditions=development libs/guest/bench/worked-example.ts
 */
import type { RecoveryStrategy } from '@migsim/mmu';
import { RecoveryTracker } from '../src/index';
import { guestTestbed } from '../src/testing';

const GiB = 2 ** 30;
const MS = 1_000_000;

for (const recovery of ['none', 'zap-rmap', 'recover-in-place'] as RecoveryStrategy[]) {
  const { mmu, guest, slotId } = guestTestbed({
    memoryBytes: 64 * GiB,
    kernel: { eagerSplit: true, recovery },
    workload: { vcpus: 8 },
  });
  mmu.setDirtyLogging(slotId, true);
  let loggingThroughput = 0;
  for (let i = 0; i < 100; i++) {
    if (i % 10 === 0) mmu.getDirtyLog(slotId);
    loggingThroughput += guest.step(100 * MS).relativeThroughput / 100;
  }
  const off = mmu.setDirtyLogging(slotId, false);
  const tracker = new RecoveryTracker({ vcpus: 8, startNs: 0, maxTimelinePoints: 8 });
  const stepNs = 5 * MS;
  let first = 0;
  let last = 0;
  for (let i = 0; i < 40; i++) {
    const sample = guest.step(stepNs);
    tracker.add(i * stepNs, stepNs, sample);
    if (i === 0) first = sample.relativeThroughput;
    last = sample.relativeThroughput;
  }
  const m = tracker.metrics();
  const ms = (ns: number | null) => (ns === null ? 'not reached' : `${ns / MS} ms`);
  console.log(
    `${recovery}: during logging ${(loggingThroughput * 100).toFixed(1)} %; disable-logging ${(off.simulatedNs / MS).toFixed(1)} ms ` +
      `(max lock hold ${(off.lockHoldMaxNs / MS).toFixed(2)} ms); first 5 ms step ${(first * 100).toFixed(1)} %, after 200 ms ${(last * 100).toFixed(1)} %; ` +
      `to 90/95/99 %: ${ms(m.timeTo90PctNs)} / ${ms(m.timeTo95PctNs)} / ${ms(m.timeTo99PctNs)}; ` +
      `lost ${m.lostWorkVcpuSeconds.toFixed(3)} vCPU-s; re-faults ${m.refaults}`,
  );
  console.log('  timeline', m.coverageTimeline.map((p) => `${p.tNs / MS}ms:${(p.hugeFraction * 100).toFixed(0)}%/${(p.relativeThroughput * 100).toFixed(0)}%`).join(' '));
}
