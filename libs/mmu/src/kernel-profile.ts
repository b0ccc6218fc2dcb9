import { MmuError } from './errors';
import type { PageLevel } from './units';

/** EPT/NPT two-dimensional paging (every shadow page direct) vs shadow paging. */
export type MmuKind = 'tdp' | 'shadow';

/**
 * What disabling dirty logging does to the 4K SPTEs it left behind
 * (`kvm_mmu_slot_apply_flags`, the `!log_dirty_pages` branch):
 * - `none`: before Linux 4.1 nothing; the slot stays at 4K.
 * - `zap-rmap`: Linux 4.1 `kvm_mmu_zap_collapsible_sptes`: walk the level-1 rmap,
 *   drop SPTEs of direct shadow pages whose pfn is not reserved and whose page is
 *   compound (`PageTransCompound`, i.e. `PageCompound` in 4.1: THP or hugetlbfs);
 *   guest faults rebuild huge SPTEs where the max mapping level allows.
 * - `zap-max-level`: 5.x `kvm_mmu_zap_collapsible_spte`: same walk, collapsible iff
 *   the shadow page is direct and its level < `kvm_mmu_max_mapping_level`.
 * - `zap-tdp`: TDP MMU `zap_collapsible_spte_range` (6.0-6.12 form): zap the non-leaf
 *   parent of each collapsible range, one TLB flush per zap.
 * - `recover-in-place`: 6.13 `kvm_tdp_mmu_recover_huge_pages`: replace the parent with
 *   a huge SPTE built from its first present child; flushes batched; no re-faults.
 */
export type RecoveryStrategy = 'none' | 'zap-rmap' | 'zap-max-level' | 'zap-tdp' | 'recover-in-place';

/** A write to a write-protected huge SPTE while logging: legacy MMU drops it, TDP MMU >= 6.2 splits it in place. */
export type HugeWriteUnderLogging = 'drop' | 'split-in-place';

export interface KernelProfile {
  mmu: MmuKind;
  /** Intel Page Modification Logging: 4K writes are logged by the CPU instead of write-protect faults. */
  pml: boolean;
  /** eager_page_split: split the whole slot to 4K when logging is enabled. */
  eagerSplit: boolean;
  /** KVM_DIRTY_LOG_INITIALLY_SET (+ manual protect): bitmap starts all ones, protection deferred to each clear. */
  initiallySet: boolean;
  /** What disabling dirty logging does. */
  recovery: RecoveryStrategy;
  hugeWriteUnderLogging: HugeWriteUnderLogging;
  /** 3 when the CPU maps 1G EPT/NPT leaves, 2 for 2M only, 1 for no huge leaves. */
  maxHardwareLevel: PageLevel;
}

export const RECOVERY_STRATEGIES: readonly RecoveryStrategy[] = ['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place'];

/** Defaults: TDP, PML on, no eager split, no initially-set, the seed's `zap-rmap`, split in place, 1G leaves. */
const DEFAULT_PROFILE: Readonly<KernelProfile> = Object.freeze({
  mmu: 'tdp',
  pml: true,
  eagerSplit: false,
  initiallySet: false,
  recovery: 'zap-rmap',
  hugeWriteUnderLogging: 'split-in-place',
  maxHardwareLevel: 3,
});

/** The documented default profile with `overrides` applied; throws `INVALID_PROFILE` on unknown values. */
export function kernelProfile(overrides: Partial<KernelProfile> = {}): KernelProfile {
  const profile: KernelProfile = { ...DEFAULT_PROFILE, ...stripUndefined(overrides) };
  validateProfile(profile);
  return profile;
}

function stripUndefined(overrides: Partial<KernelProfile>): Partial<KernelProfile> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) out[key] = value;
  return out as Partial<KernelProfile>;
}

export function validateProfile(profile: KernelProfile): void {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new MmuError('INVALID_PROFILE', `kernel profile field "${field}" must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (profile.mmu !== 'tdp' && profile.mmu !== 'shadow') fail('mmu', '"tdp" or "shadow"', profile.mmu);
  if (!RECOVERY_STRATEGIES.includes(profile.recovery)) fail('recovery', RECOVERY_STRATEGIES.map((s) => `"${s}"`).join(' | '), profile.recovery);
  if (profile.hugeWriteUnderLogging !== 'drop' && profile.hugeWriteUnderLogging !== 'split-in-place') {
    fail('hugeWriteUnderLogging', '"drop" or "split-in-place"', profile.hugeWriteUnderLogging);
  }
  if (profile.maxHardwareLevel !== 1 && profile.maxHardwareLevel !== 2 && profile.maxHardwareLevel !== 3) {
    fail('maxHardwareLevel', '1, 2 or 3', profile.maxHardwareLevel);
  }
  for (const flag of ['pml', 'eagerSplit', 'initiallySet'] as const) {
    if (typeof profile[flag] !== 'boolean') fail(flag, 'a boolean', profile[flag]);
  }
}

/**
 * Named kernels. Each preset is the kernel's behaviour with a current QEMU on an Intel host with PML:
 * - `linux-4.0`: legacy MMU on EPT, PML (added in 4.0), no recovery, huge SPTEs dropped on write.
 * - `linux-4.1`: the seed: `kvm_mmu_zap_collapsible_sptes` (zap-rmap).
 * - `linux-5.15`: TDP MMU on by default, collapsible iff below `kvm_mmu_max_mapping_level`
 *   (zap-max-level), manual protect + initially-set (QEMU enables it when KVM offers it, since 5.3).
 * - `linux-6.1`: zap the non-leaf parent (zap-tdp), eager page split (5.19+), but huge SPTEs are
 *   still dropped on a write fault (split-on-fault arrived in 6.2).
 * - `linux-6.13`: recovery in place, split-in-place on write faults.
 */
export const KERNEL_PRESETS: Readonly<Record<string, KernelProfile>> = Object.freeze({
  'linux-4.0': Object.freeze(kernelProfile({ recovery: 'none', hugeWriteUnderLogging: 'drop' })),
  'linux-4.1': Object.freeze(kernelProfile({ recovery: 'zap-rmap', hugeWriteUnderLogging: 'drop' })),
  'linux-5.15': Object.freeze(kernelProfile({ recovery: 'zap-max-level', hugeWriteUnderLogging: 'drop', initiallySet: true })),
  'linux-6.1': Object.freeze(kernelProfile({ recovery: 'zap-tdp', hugeWriteUnderLogging: 'drop', eagerSplit: true, initiallySet: true })),
  'linux-6.13': Object.freeze(kernelProfile({ recovery: 'recover-in-place', hugeWriteUnderLogging: 'split-in-place', eagerSplit: true, initiallySet: true })),
});
