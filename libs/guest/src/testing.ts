import {
  kernelProfile,
  PAGES_PER_1G,
  PAGES_PER_2M,
  VmMmu,
  type CostModel,
  type HostBacking,
  type KernelProfile,
} from '@migsim/mmu';
import { GuestVm } from './guest-vm';
import type { RandomSource } from './random-source';
import { seededRandom } from './seeded-random';
import type { TlbProfile } from './tlb-profile';
import { GUEST_PAGE_BYTES, workloadSpec, type WorkloadSpec } from './workload-spec';

export interface GuestTestbedOptions {
  memoryBytes: number;
  backing?: HostBacking;
  kernel?: Partial<KernelProfile>;
  workload?: Partial<WorkloadSpec>;
  tlb?: TlbProfile | string;
  seed?: number;
  /** Map all memory at its max level before the guest starts (default true). */
  populate?: boolean;
  costs?: Partial<CostModel>;
}

export interface GuestTestbed {
  mmu: VmMmu;
  guest: GuestVm;
  slotId: number;
}

/** Hva page of the one memslot: 4 GiB, aligned for 1 GiB pages. */
export const TESTBED_HVA_PAGE = 1 << 20;

/** One VM with one memslot at gfn 0, backed by `backing` (default THP), populated, and a guest on it. */
export function guestTestbed(options: GuestTestbedOptions): GuestTestbed {
  const vcpus = options.workload?.vcpus ?? 4;
  const mmu = new VmMmu({ profile: kernelProfile(options.kernel), vcpus, ...(options.costs ? { costs: options.costs } : {}) });
  const npages = options.memoryBytes / GUEST_PAGE_BYTES;
  const slotId = 0;
  mmu.addMemslot({ id: slotId, baseGfn: 0, npages, hvaPage: TESTBED_HVA_PAGE });
  const backing = options.backing ?? 'thp';
  // hugetlbfs hands out whole pages: back the slot up to the next page boundary.
  const align = backing === 'hugetlb-1g' ? PAGES_PER_1G : backing === 'hugetlb-2m' ? PAGES_PER_2M : 1;
  mmu.setBacking({ hvaPage: TESTBED_HVA_PAGE, npages: Math.ceil(npages / align) * align, backing });
  if (options.populate ?? true) mmu.populate();
  const guest = new GuestVm({
    mmu,
    workload: workloadSpec({ ...options.workload, memoryBytes: options.memoryBytes, vcpus }),
    rng: seededRandom(options.seed ?? 1),
    ...(options.tlb !== undefined ? { tlb: options.tlb } : {}),
  });
  return { mmu, guest, slotId };
}

export { seededRandom };

/** A seeded source that counts its draws: the work a step did. */
export function countingRandom(seed: number): RandomSource & { draws: number } {
  const inner = seededRandom(seed);
  const source = {
    draws: 0,
    next(): number {
      source.draws += 1;
      return inner.next();
    },
  };
  return source;
}
