import { GuestVm } from '@migsim/guest';
import { kernelProfile, VmMmu, type KernelProfile } from '@migsim/mmu';
import type { HostSpec, KernelSpec, VmSpec } from '@migsim/scenario';
import type { Rng } from '@migsim/cluster';
import { GUEST_RAM_HVA_PAGE, GUEST_RAM_SLOT_ID } from './constants';

/** A VM's MMU and guest model on one host. */
export interface MaterializedVm {
  mmu: VmMmu;
  guest: GuestVm;
}

/** The scenario's kernel spec as a libs/mmu profile (same fields, minus the preset name). */
export function profileOf(kernel: KernelSpec): KernelProfile {
  return kernelProfile({
    mmu: kernel.mmu,
    pml: kernel.pml,
    eagerSplit: kernel.eagerSplit,
    initiallySet: kernel.initiallySet,
    recovery: kernel.recovery,
    hugeWriteUnderLogging: kernel.hugeWriteUnderLogging,
    maxHardwareLevel: kernel.maxHardwareLevel,
  });
}

/**
 * Builds the VM on `host`: one memslot for all guest RAM, the host backing,
 * the share of THPs the host split (still compound, so not huge-mappable;
 * which ones is drawn from the VM's own stream), then `populate` (the guest
 * touched all its memory: every gfn mapped at its max mapping level, i.e.
 * huge wherever it can be) and the guest model over that MMU.
 */
export function materializeVm(spec: VmSpec, host: HostSpec, rng: Rng): MaterializedVm {
  const mmu = new VmMmu({ profile: profileOf(host.kernel), vcpus: spec.vcpus });
  const pages = Math.floor(spec.memoryBytes / 4096);
  // The host memory first, then the slot over it: the slot's mapping levels are computed once (the other
  // order recomputes them at setBacking, whose invalidation has nothing mapped to zap yet).
  mmu.setBacking({ hvaPage: GUEST_RAM_HVA_PAGE, npages: pages, backing: spec.backing });
  mmu.addMemslot({ id: GUEST_RAM_SLOT_ID, baseGfn: 0, npages: pages, hvaPage: GUEST_RAM_HVA_PAGE });
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
