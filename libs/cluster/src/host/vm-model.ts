import { GuestVm } from '@migsim/guest';
import type { SourceVm } from '@migsim/migration';
import { kernelProfile, VmMmu, type KernelProfile } from '@migsim/mmu';
import type { HostSpec, KernelSpec, VmSpec } from '@migsim/scenario';
import { GUEST_RAM_HVA_PAGE, GUEST_RAM_SLOT_ID } from '../constants';
import type { Rng } from '../core/rng';

/** A VM's MMU and guest model on one host. */
export interface VmModel {
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
export function buildVmModel(spec: VmSpec, host: HostSpec, rng: Rng): VmModel {
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

const CATCH_UP_BEFORE = new Set<PropertyKey>(['getDirtyLog', 'getDirtyLogInto', 'clearDirtyLog', 'setDirtyLogging']);

/**
 * The VM as a migration machine sees it (libs/migration `SourceVm`), with
 * the guest run lazily: before the machine reads or changes dirty-logging
 * state (a bitmap sync, a clear, logging on or off) the guest is brought up
 * to the current time (`catchUp`). Between those calls nothing the machine
 * does depends on the guest: KVM keeps every write in its dirty log until
 * the next sync whether it happened before or after a page was sent in the
 * round, so the pages each round resends, the final stop-and-copy and the
 * memory compared at switchover are the same as if the guest had been
 * stepped at every event — at a small fraction of the cost.
 */
export function lazySourceVm(guest: GuestVm, catchUp: () => void): SourceVm {
  // One wrapper per method, made on first use: the machine calls the MMU on every sync.
  const wrappers = new Map<PropertyKey, { method: unknown; wrapper: unknown }>();
  const mmu = new Proxy(guest.mmu, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = wrappers.get(property);
      if (cached !== undefined && cached.method === value) return cached.wrapper;
      const method = value as (...args: unknown[]) => unknown;
      const wrapper = CATCH_UP_BEFORE.has(property)
        ? (...args: unknown[]) => {
            catchUp();
            return method.apply(target, args);
          }
        : method.bind(target);
      wrappers.set(property, { method: value, wrapper });
      return wrapper;
    },
  }) as VmMmu;
  return { mmu, onWrite: (listener) => guest.onWrite(listener) };
}
