/**
 * The KVM behaviour of a host: @migsim/mmu's `KernelProfile` plus the preset
 * it came from, so the engine can hand it to `VmMmu` unchanged. The presets
 * and the defaults are @migsim/mmu's own (`KERNEL_PRESETS`, `kernelProfile()`).
 */
import { KERNEL_PRESETS, RECOVERY_STRATEGIES, type HugeWriteUnderLogging, type KernelProfile, type MmuKind, type PageLevel, type RecoveryStrategy } from '@migsim/mmu';

export { KERNEL_PRESETS, RECOVERY_STRATEGIES };
export type { HugeWriteUnderLogging, MmuKind, PageLevel, RecoveryStrategy };

/** A name of @migsim/mmu's KERNEL_PRESETS, e.g. `linux-4.1`. */
export type KernelPreset = string;

export const MMU_KINDS: readonly MmuKind[] = ['tdp', 'shadow'];
export const HUGE_WRITE_BEHAVIOURS: readonly HugeWriteUnderLogging[] = ['drop', 'split-in-place'];
export const KERNEL_PRESET_NAMES: readonly KernelPreset[] = Object.keys(KERNEL_PRESETS);

export interface KernelSpec extends KernelProfile {
  /** The preset the values started from, or null when none was named. */
  preset: KernelPreset | null;
}

/** One line per preset for the documentation: what it sets. */
export function describePreset(name: KernelPreset): string {
  const preset = KERNEL_PRESETS[name];
  if (preset === undefined) return '';
  const flags = [preset.pml ? 'PML' : 'no PML', preset.eagerSplit ? 'eager split' : '', preset.initiallySet ? 'initially-set' : ''].filter((flag) => flag !== '');
  return `${preset.mmu}, recovery ${preset.recovery}, ${preset.hugeWriteUnderLogging} on a huge write, ${flags.join(', ')}.`;
}
