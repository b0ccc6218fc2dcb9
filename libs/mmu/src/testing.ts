import type { CostModel } from './cost-model';
import { MmuError } from './errors';
import type { HostBacking } from './host-backing';
import { KERNEL_PRESETS, kernelProfile, type KernelProfile } from './kernel-profile';
import { PAGES_PER_1G } from './units';
import { VmMmu } from './vm-mmu';

export { ReferenceMmu } from './reference-mmu';

export interface TestVmOptions {
  /** Guest memory in MiB (default 64). */
  memoryMiB?: number;
  /** A preset name (`linux-6.13`, ...) or profile fields over the defaults. */
  profile?: string | Partial<KernelProfile>;
  vcpus?: number;
  /** Host backing of the whole slot (default `thp`). */
  backing?: HostBacking;
  /** Map every page at its max mapping level first (default true). */
  populate?: boolean;
  costs?: Partial<CostModel>;
}

/** One VM with one memslot (id 0) at gfn 0 and hva 0, populated unless asked not to. */
export function testVm(options: TestVmOptions = {}): VmMmu {
  const npages = Math.round(((options.memoryMiB ?? 64) * 1024 * 1024) / 4096);
  const profile = typeof options.profile === 'string' ? requirePreset(options.profile) : kernelProfile(options.profile);
  const mmu = new VmMmu({ profile, vcpus: options.vcpus ?? 4, ...(options.costs ? { costs: options.costs } : {}) });
  mmu.addMemslot({ id: 0, baseGfn: 0, npages, hvaPage: 0 });
  const backing = options.backing ?? 'thp';
  if (backing !== 'thp') {
    const align = backing === 'hugetlb-1g' ? PAGES_PER_1G : 512;
    mmu.setBacking({ hvaPage: 0, npages: Math.ceil(npages / align) * align, backing });
  }
  if (options.populate !== false) mmu.populate();
  return mmu;
}

/** A populated VM whose slot 0 was split to 4K by dirty logging (eager split) and is still logged. */
export function splitLoggedVm(options: TestVmOptions = {}): VmMmu {
  const base = typeof options.profile === 'string' ? requirePreset(options.profile) : kernelProfile(options.profile);
  const mmu = testVm({ ...options, profile: { ...base, eagerSplit: true, initiallySet: false }, populate: true });
  mmu.setDirtyLogging(0, true);
  return mmu;
}

function requirePreset(name: string): KernelProfile {
  const preset = KERNEL_PRESETS[name];
  if (preset === undefined) throw new MmuError('INVALID_PROFILE', `unknown kernel preset "${name}" (known: ${Object.keys(KERNEL_PRESETS).join(', ')})`);
  return preset;
}
