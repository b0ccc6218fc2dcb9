/**
 * Test builders: a populated VM (MMU + guest) ready to migrate, a machine
 * on it, and a seeded RandomSource. Used by this library's tests and bench
 * and by other libraries' tests.
 */
import { kernelProfile, PAGES_PER_1G, PAGES_PER_2M, VmMmu, type HostBacking, type KernelProfile } from '@migsim/mmu';
import { GuestVm, workloadSpec, type RandomSource, type WorkloadSpec } from '@migsim/guest';
import { createMigration } from './create-migration';
import type { MigrationMachine } from './machine';
import type { MigrationParametersInput } from './params';

export interface MigrationTestbedOptions {
  memoryBytes: number;
  backing?: HostBacking;
  kernel?: Partial<KernelProfile>;
  workload?: Partial<WorkloadSpec>;
  params?: MigrationParametersInput;
  seed?: number;
  /** Split guest memory into this many adjacent memslots (default 1). */
  memslots?: number;
  id?: string;
}

export interface MigrationTestbed {
  mmu: VmMmu;
  guest: GuestVm;
  machine: MigrationMachine;
}

/** Host virtual page of the first memslot (4 GiB: 1 GiB aligned). */
const HVA_BASE_PAGE = 1 << 20;

/**
 * One VM at gfn 0, its memory in `memslots` adjacent slots backed by
 * `backing` (default THP) and populated (mapped huge where allowed), a guest
 * on it, and a migration machine (not started) for it.
 */
export function migrationTestbed(options: MigrationTestbedOptions): MigrationTestbed {
  const workload = workloadSpec({ ...options.workload, memoryBytes: options.memoryBytes });
  const mmu = new VmMmu({ profile: kernelProfile(options.kernel), vcpus: workload.vcpus });
  const totalPages = options.memoryBytes / 4096;
  const slotCount = options.memslots ?? 1;
  const backing = options.backing ?? 'thp';
  const align = backing === 'hugetlb-1g' ? PAGES_PER_1G : backing === 'hugetlb-2m' ? PAGES_PER_2M : 1;
  let baseGfn = 0;
  for (let slot = 0; slot < slotCount; slot++) {
    const npages = slot === slotCount - 1 ? totalPages - baseGfn : Math.floor(totalPages / slotCount);
    // gfn and hva congruent modulo 1 GiB (so every slot can map huge pages), a 1 GiB gap between slots.
    const hvaPage = HVA_BASE_PAGE + baseGfn + slot * PAGES_PER_1G;
    mmu.addMemslot({ id: slot, baseGfn, npages, hvaPage });
    mmu.setBacking({ hvaPage, npages: Math.ceil(npages / align) * align, backing });
    baseGfn += npages;
  }
  mmu.populate();
  const guest = new GuestVm({ mmu, workload, rng: splitmixRandom(options.seed ?? 1) });
  const machine = createMigration({ id: options.id ?? 'm-1', vm: guest, params: options.params ?? {} });
  return { mmu, guest, machine };
}

/** A small seeded RandomSource (splitmix32), uniform in [0, 1). */
export function splitmixRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      z = (z ^ (z >>> 16)) >>> 0;
      return z / 4294967296;
    },
  };
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** Bytes sent in each round of a run (round N: from its start to the next phase), in round order. */
export function roundBytes(result: { phases: readonly { phase: string; round: number | null; transferredBytes: number }[] }): { round: number; bytes: number }[] {
  const out: { round: number; bytes: number }[] = [];
  result.phases.forEach((phase, i) => {
    if (phase.phase !== 'round' || phase.round === null) return;
    const next = result.phases[i + 1];
    if (next !== undefined) out.push({ round: phase.round, bytes: next.transferredBytes - phase.transferredBytes });
  });
  return out;
}
