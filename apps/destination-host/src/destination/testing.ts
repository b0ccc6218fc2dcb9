// Test support for the destination host's specs.
import { createMigration, type MigrationAction, type PageBatch } from '@migsim/migration';
import { GuestVm } from '@migsim/guest';
import { kernelProfile, VmMmu } from '@migsim/mmu';
import { Rng } from '@migsim/sim';

/** A real source machine over a 64 MiB idle VM: its prepare, its batches and its resume check. */
export function sourceTraffic() {
  const mmu = new VmMmu({ profile: kernelProfile({ mmu: 'tdp', recovery: 'zap-tdp' }), vcpus: 1 });
  const pages = (64 * 2 ** 20) / 4096;
  mmu.addMemslot({ id: 0, baseGfn: 0, npages: pages, hvaPage: 1 << 18 });
  mmu.setBacking({ hvaPage: 1 << 18, npages: pages, backing: 'thp' });
  mmu.populate();
  const guest = new GuestVm({ mmu, workload: { vcpus: 1, memoryBytes: 64 * 2 ** 20, pattern: 'uniform', workingSetBytes: 64 * 2 ** 20, writeWorkingSetBytes: 64 * 2 ** 20, dirtyRateBytesPerSec: 0 }, rng: new Rng(1) });
  const machine = createMigration({ id: 'm1#1', vm: guest, params: { 'max-bandwidth': 2 ** 30 } });
  const actions: MigrationAction[] = [...machine.handle({ type: 'start', atNs: 0, linkBytesPerSec: 2 ** 30 })];
  let now = 0;
  for (let i = 0; i < 10_000 && !actions.some((action) => action.type === 'resume-destination'); i++) {
    now = Math.max(now + 1_000_000, machine.nextWakeNs() ?? 0);
    const sent = actions.filter((action): action is Extract<MigrationAction, { type: 'send-pages' }> => action.type === 'send-pages');
    const bytes = sent.reduce((sum, action) => sum + action.batch.wireBytes, 0);
    actions.push(...machine.handle({ type: 'tick', atNs: now }));
    if (bytes > 0) actions.push(...machine.handle({ type: 'bytes-delivered', atNs: now, bytes }));
  }
  const prepare = actions.find((action) => action.type === 'prepare-destination')!;
  const batches: PageBatch[] = actions.flatMap((action) => (action.type === 'send-pages' ? [action.batch] : []));
  const resume = actions.find((action) => action.type === 'resume-destination')!;
  return { prepare, batches, check: resume.check };
}
