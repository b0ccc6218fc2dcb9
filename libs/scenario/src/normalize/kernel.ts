import type { Infer } from '../schema/schema';
import type { kernelSchema } from '../document/host-schema';
import { kernelProfile } from '@migsim/mmu';
import { KERNEL_PRESETS, type KernelSpec, type PageLevel } from '../model/kernel';
import type { Path } from '../schema/issues';
import type { NormalizeContext } from './normalize-context';

type KernelDocument = Infer<typeof kernelSchema>;

const LEVELS: Readonly<Record<'4k' | '2m' | '1g', PageLevel>> = { '4k': 1, '2m': 2, '1g': 3 };

/**
 * A host's kernel: the preset's values (or the defaults of @migsim/mmu's
 * `kernelProfile()`), then every key the user wrote. Combinations a real
 * kernel cannot have are errors: PML, in-place splitting and the TDP MMU
 * recovery strategies all need two-dimensional paging.
 */
export function resolveKernel(written: KernelDocument, path: Path, context: NormalizeContext): KernelSpec {
  const defaults = kernelProfile();
  const preset = written.preset === undefined ? undefined : KERNEL_PRESETS[written.preset];
  const mmu = written.mmu ?? preset?.mmu ?? defaults.mmu;
  const kernel: KernelSpec = {
    preset: written.preset ?? null,
    mmu,
    // Without a preset, shadow paging gets what it can have: no PML, no in-place split.
    pml: written.pml ?? preset?.pml ?? (mmu === 'tdp' && defaults.pml),
    eagerSplit: written.eagerSplit ?? preset?.eagerSplit ?? defaults.eagerSplit,
    initiallySet: written.initiallySet ?? preset?.initiallySet ?? defaults.initiallySet,
    recovery: written.recovery ?? preset?.recovery ?? defaults.recovery,
    hugeWriteUnderLogging: written.hugeWriteUnderLogging ?? preset?.hugeWriteUnderLogging ?? (mmu === 'tdp' ? defaults.hugeWriteUnderLogging : 'drop'),
    maxHardwareLevel: written.maxHardwareLevel === undefined ? (preset?.maxHardwareLevel ?? defaults.maxHardwareLevel) : LEVELS[written.maxHardwareLevel],
  };
  if (mmu === 'shadow') {
    const fromPreset = ` (from preset ${written.preset ?? ''})`;
    if (kernel.pml) {
      context.add([...path, 'pml'], context.found([...path, 'pml'], `true${fromPreset}`), 'false with mmu shadow (PML logs EPT dirty bits)');
    }
    if (kernel.hugeWriteUnderLogging === 'split-in-place') {
      const key = [...path, 'hugeWriteUnderLogging'];
      context.add(key, context.found(key, `"split-in-place"${fromPreset}`), 'drop with mmu shadow (in-place splitting is a TDP MMU feature)');
    }
    if (kernel.recovery === 'zap-tdp' || kernel.recovery === 'recover-in-place') {
      const key = [...path, 'recovery'];
      context.add(key, context.found(key, `"${kernel.recovery}"${fromPreset}`), 'none, zap-rmap or zap-max-level with mmu shadow (the others walk the TDP MMU)');
    }
  }
  return kernel;
}
