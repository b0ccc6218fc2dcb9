import { GuestVm } from '@migsim/guest';
import { kernelProfile, VmMmu } from '@migsim/mmu';
import type { HostSpec, VmSpec } from '@migsim/scenario';
import type { Rng } from '@migsim/sim';

/** Guest RAM is one memslot at gfn 0 backed from a 1 GiB-aligned host page, as in the in-process engine. */
export const GUEST_RAM_HVA_PAGE = 1 << 18;
export const GUEST_RAM_SLOT_ID = 0;

export interface MaterializedVm {
  mmu: VmMmu;
  guest: GuestVm;
}

/**
 * Builds a VM on a host the way the in-process engine does: one memslot, the
 * host backing, the share of THPs the host split, `populate` (the guest has
 * touched all its memory), then the guest model over that MMU.
 */
export function materializeVm(spec: VmSpec, host: HostSpec, rng: Rng): MaterializedVm {
  const kernel = host.kernel;
  const mmu = new VmMmu({
    profile: kernelProfile({
      mmu: kernel.mmu,
      pml: kernel.pml,
      eagerSplit: kernel.eagerSplit,
      initiallySet: kernel.initiallySet,
      recovery: kernel.recovery,
      hugeWriteUnderLogging: kernel.hugeWriteUnderLogging,
      maxHardwareLevel: kernel.maxHardwareLevel,
    }),
    vcpus: spec.vcpus,
  });
  const pages = Math.floor(spec.memoryBytes / 4096);
  mmu.addMemslot({ id: GUEST_RAM_SLOT_ID, baseGfn: 0, npages: pages, hvaPage: GUEST_RAM_HVA_PAGE });
  mmu.setBacking({ hvaPage: GUEST_RAM_HVA_PAGE, npages: pages, backing: spec.backing });
  if (spec.backing === 'thp' && spec.thpSplitFraction > 0) {
    const splitRng = rng.fork('thp-split');
    for (let first = 0; first + 512 <= pages; first += 512) {
      if (splitRng.next() < spec.thpSplitFraction) mmu.hostThpSplit(GUEST_RAM_HVA_PAGE + first, true);
    }
  }
  mmu.populate();
  const guest = new GuestVm({
    mmu,
    workload: { vcpus: spec.vcpus, memoryBytes: spec.memoryBytes, ...spec.workload },
    tlb: host.tlbProfile,
    rng: rng.fork('guest'),
  });
  return { mmu, guest };
}
