/**
 * The README's worked example: an 8 GiB THP-backed VM migrated with QEMU's
 * pre-copy while its guest writes sequentially at 20 % of the link; then the
 * same VM with the destination crashing in round 3, once per recovery
 * strategy of the source's kernel.
 *
 * Run: npx tsx --conditions=development libs/migration/bench/example.ts
 */
import type { RecoveryStrategy } from '@migsim/mmu';
import { runMigration } from '../src/index';
import { GiB, MiB, migrationTestbed, roundBytes } from '../src/testing';

const B = 128 * MiB;

// 1. A migration that completes.
{
  const { guest, machine } = migrationTestbed({
    memoryBytes: 8 * GiB,
    workload: { vcpus: 4, pattern: 'sequential', dirtyRateBytesPerSec: 0.2 * B, workingSetBytes: 2 * GiB, writeWorkingSetBytes: 2 * GiB },
  });
  const result = runMigration({ machine, guest, link: { bytesPerSec: B } });
  console.log(`pre-copy of 8 GiB, sequential writer at 25.6 MiB/s, link ${B / MiB} MiB/s: ${result.status} at ${(result.endNs / 1e9).toFixed(3)} s`);
  for (const { round, bytes } of roundBytes(result)) console.log(`  round ${round}: ${(bytes / MiB).toFixed(1)} MiB`);
  const { ram, downtime } = result.info;
  console.log(`  query-migrate: transferred ${ram.transferred} B, normal ${ram.normal}, dirty-sync-count ${ram['dirty-sync-count']}, downtime ${downtime} ms, mbps ${ram.mbps.toFixed(1)}`);
  console.log(`  destination memory verified: ${result.verification?.verified}`);
}

// 2. The same VM, destination crash in round 3, for each recovery strategy.
for (const recovery of ['none', 'zap-rmap', 'recover-in-place'] as RecoveryStrategy[]) {
  const { guest, machine, mmu } = migrationTestbed({
    memoryBytes: 8 * GiB,
    kernel: { recovery },
    workload: { vcpus: 4, pattern: 'uniform', dirtyRateBytesPerSec: 256 * MiB, workingSetBytes: 8 * GiB, writeWorkingSetBytes: 8 * GiB },
    params: { 'max-bandwidth': GiB },
  });
  const result = runMigration({
    machine,
    guest,
    link: { bytesPerSec: 1.25e9 },
    schedule: [{ when: { phase: 'round', round: 3 }, command: { type: 'fault', fault: { kind: 'destination-crash' } } }],
    observeRecoveryNs: 10e9,
  });
  const report = result.recovery!;
  const metrics = report.guest!;
  const ms = (ns: number | null) => (ns === null ? 'never' : `${ns / 1e6} ms`);
  console.log(
    `${recovery}: ${result.status} at ${(result.endNs / 1e9).toFixed(2)} s (${result.info['error-desc']}); ` +
      `disable logging: ${(report.totals.simulatedNs / 1e6).toFixed(1)} ms, ${report.totals.sptesZapped} SPTEs zapped, ${report.totals.hugeInstalled} huge installed, ${report.totals.tlbFlushes} TLB flushes; ` +
      `guest: 95 % after ${ms(metrics.timeTo95PctNs)}, ${metrics.refaults} re-faults, ${metrics.lostWorkVcpuSeconds.toFixed(2)} vCPU-s lost; ` +
      `end coverage 2M ${(mmu.coverage().bytes2m / GiB).toFixed(2)} GiB, 4K ${(mmu.coverage().bytes4k / GiB).toFixed(2)} GiB`,
  );
}
