/**
 * A failed migration, five ways: a 64 GiB guest starts mapped huge, dirty
 * logging splits it to 4K, the migration fails, logging is switched off with
 * each recovery strategy, and the guest touches its memory again while we watch
 * huge-page coverage come back.
 *
 *   npx tsx --conditions=development libs/mmu/examples/failed-migration.ts
 */
import { kernelProfile, RECOVERY_STRATEGIES, VmMmu, type Coverage, type HostBacking, type RecoveryStrategy } from '../src/index';

const GUEST_GIB = 64;
const VCPUS = 8;
const PAGES = GUEST_GIB * 262_144;

function hugePercent(c: Coverage): string {
  const total = c.bytes4k + c.bytes2m + c.bytes1g + c.bytesUnmapped;
  return `${(((c.bytes2m + c.bytes1g) / total) * 100).toFixed(1)}%`.padStart(6);
}

function failedMigration(recovery: RecoveryStrategy, backing: HostBacking): string {
  const mmu = new VmMmu({ profile: kernelProfile({ recovery, eagerSplit: true, pml: true }), vcpus: VCPUS });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages: PAGES, hvaPage: 0 });
  mmu.setBacking({ hvaPage: 0, npages: PAGES, backing });
  mmu.populate(); // the guest has touched all its memory: every 2M region is one huge SPTE

  // Migration starts: logging on (eager split to 4K), the guest dirties a quarter of its memory per round.
  mmu.setDirtyLogging(0, true);
  for (let round = 0; round < 3; round++) {
    mmu.accessRange((round * PAGES) / 4, PAGES / 4, true, round % VCPUS);
    mmu.getDirtyLog(0);
  }
  const split = mmu.coverage();

  // The destination fails: QEMU stops dirty logging on the source, which runs the recovery strategy.
  const disable = mmu.setDirtyLogging(0, false);
  const afterDisable = mmu.coverage();

  // The guest keeps running and touches its memory again, a quarter at a time, spread over its vCPUs.
  const touched: string[] = [];
  let refaults = 0;
  let refaultNs = 0;
  for (let quarter = 0; quarter < 4; quarter++) {
    for (let v = 0; v < VCPUS; v++) {
      const chunk = PAGES / 4 / VCPUS;
      const r = mmu.accessRange((quarter * PAGES) / 4 + v * chunk, chunk, false, v);
      refaults += r.faults4k + r.faults2m + r.faults1g;
      refaultNs += r.costNs;
    }
    touched.push(hugePercent(mmu.coverage()));
  }
  // Columns: huge share while split, simulated disable time, its TLB flushes and zapped SPTEs, huge share
  // right after disable and after each quarter is touched, the faults that touching took and their cost.
  return [
    recovery.padEnd(16),
    backing.padEnd(10),
    hugePercent(split),
    `${(disable.simulatedNs / 1e6).toFixed(1)}`.padStart(9),
    `${disable.tlbFlushes}`.padStart(7),
    `${disable.sptesZapped}`.padStart(9),
    hugePercent(afterDisable),
    ...touched,
    `${refaults}`.padStart(8),
    `${(refaultNs / 1e6).toFixed(1)}`.padStart(8),
  ].join('  ');
}

console.log(`${GUEST_GIB} GiB guest, ${VCPUS} vCPUs, TDP + PML + eager split; huge = share of guest memory mapped 2M/1G`);
const widths = [6, 9, 7, 9, 6, 6, 6, 6, 6, 8, 8];
const headings = ['split', 'disableMs', 'flushes', 'zapped', 'after', '25%', '50%', '75%', '100%', 'refaults', 'faultMs'];
console.log(['strategy'.padEnd(16), 'backing'.padEnd(10), ...headings.map((h, k) => h.padStart(widths[k]!))].join('  '));
for (const backing of ['thp', 'hugetlb-2m'] as const) {
  for (const recovery of RECOVERY_STRATEGIES) console.log(failedMigration(recovery, backing));
}
