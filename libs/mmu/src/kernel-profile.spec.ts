import { describe, expect, it } from 'vitest';
import { costModel, DEFAULT_COSTS, tlbFlushCostNs } from './cost-model';
import { KERNEL_PRESETS, kernelProfile, type KernelProfile } from './kernel-profile';
import { VmMmu } from './vm-mmu';

describe('kernel profiles and the cost model', () => {
  it('the default profile is TDP with PML, no eager split, the seed zap-rmap recovery, split-in-place and 1G leaves', () => {
    expect(kernelProfile()).toEqual({ mmu: 'tdp', pml: true, eagerSplit: false, initiallySet: false, recovery: 'zap-rmap', hugeWriteUnderLogging: 'split-in-place', maxHardwareLevel: 3 });
  });

  it('presets name the recovery each kernel runs', () => {
    expect(Object.fromEntries(Object.entries(KERNEL_PRESETS).map(([name, p]) => [name, p.recovery]))).toEqual({
      'linux-4.0': 'none',
      'linux-4.1': 'zap-rmap',
      'linux-5.15': 'zap-max-level',
      'linux-6.1': 'zap-tdp',
      'linux-6.13': 'recover-in-place',
    });
    expect(KERNEL_PRESETS['linux-6.13']!.hugeWriteUnderLogging).toBe('split-in-place');
    expect(KERNEL_PRESETS['linux-4.1']!.hugeWriteUnderLogging).toBe('drop');
  });

  it('an unknown strategy or MMU kind is rejected with INVALID_PROFILE naming the field', () => {
    expect(() => kernelProfile({ recovery: 'zap-everything' as KernelProfile['recovery'] })).toThrow(/INVALID_PROFILE.*"recovery"/);
    expect(() => new VmMmu({ profile: { ...kernelProfile(), mmu: 'ept' as KernelProfile['mmu'] }, vcpus: 1 })).toThrow(/INVALID_PROFILE.*"mmu"/);
    expect(() => new VmMmu({ profile: kernelProfile(), vcpus: 0 })).toThrow(/INVALID_VCPU/);
  });

  it('cost constants can be overridden one by one; nonsense values are rejected', () => {
    expect(costModel({ fault2mNs: 9 })).toEqual({ ...DEFAULT_COSTS, fault2mNs: 9 });
    expect(() => costModel({ fault2mNs: -1 })).toThrow(/INVALID_COSTS/);
    expect(() => costModel({ bogusNs: 1 } as never)).toThrow(/INVALID_COSTS.*bogusNs/);
    const mmu = new VmMmu({ profile: kernelProfile(), vcpus: 1, costs: { fault2mNs: 7 } });
    mmu.addMemslot({ id: 0, baseGfn: 0, npages: 512, hvaPage: 0 });
    expect(mmu.access(0, false)).toBe(7);
  });

  it('a remote TLB flush costs a base plus one IPI per running vCPU', () => {
    expect(tlbFlushCostNs(DEFAULT_COSTS, 64)).toBe(DEFAULT_COSTS.tlbFlushNs + 64 * DEFAULT_COSTS.tlbFlushIpiPerVcpuNs);
  });
});
