import { DEFAULT_TLB_PROFILE, TLB_PROFILES } from '@migsim/guest';
import { field, s } from '../schema/builders';
import { describePreset, HUGE_WRITE_BEHAVIOURS, KERNEL_PRESET_NAMES, MMU_KINDS, RECOVERY_STRATEGIES } from '../model/kernel';
import { LINK_RATE } from '../limits/limit-options';

/** Hardware TLB profiles: those of @migsim/guest's TLB_PROFILES. */
export const TLB_PROFILE_NAMES: readonly string[] = Object.keys(TLB_PROFILES);

export const PAGE_LEVEL_NAMES = ['4k', '2m', '1g'] as const;

export const kernelSchema = s.object(
  {
    preset: field.optional(
      s.enumOf(KERNEL_PRESET_NAMES, Object.fromEntries(KERNEL_PRESET_NAMES.map((name) => [name, describePreset(name)]))),
      'Start from the behaviour of this kernel version; keys written next to it override it.',
      'none',
    ),
    mmu: field.optional(s.enumOf(MMU_KINDS, { tdp: 'EPT/NPT two-dimensional paging.', shadow: 'Shadow paging.' }), 'MMU mode.', "the preset's, else tdp"),
    pml: field.optional(s.boolean(), 'Intel Page Modification Logging for dirty tracking (needs mmu tdp).', 'the preset\'s, else true with tdp and false with shadow'),
    eagerSplit: field.optional(s.boolean(), 'Split every huge SPTE of a slot when dirty logging is enabled (eager_page_split).', 'the preset\'s, else false'),
    initiallySet: field.optional(s.boolean(), 'KVM_DIRTY_LOG_INITIALLY_SET: the bitmap starts all ones and write protection is deferred to each clear.', 'the preset\'s, else false'),
    recovery: field.optional(
      s.enumOf(RECOVERY_STRATEGIES, {
        none: 'Stay on 4K SPTEs (before Linux 4.1).',
        'zap-rmap': 'Linux 4.1 kvm_mmu_zap_collapsible_sptes: zap THP-backed 4K SPTEs; re-faults rebuild huge ones.',
        'zap-max-level': '5.x: zap where the max mapping level allows huge (covers hugetlbfs).',
        'zap-tdp': 'TDP MMU 5.10-6.12: zap the parent table, one TLB flush per 2M region.',
        'recover-in-place': '6.13+: install the huge SPTE in place, no re-faults.',
      }),
      'What disabling dirty logging (end of a failed migration or of a dirty-bitmap probe) does.',
      'the preset\'s, else zap-rmap',
    ),
    hugeWriteUnderLogging: field.optional(
      s.enumOf(HUGE_WRITE_BEHAVIOURS, { drop: 'Legacy MMU: drop the huge SPTE, re-fault at 4K.', 'split-in-place': 'TDP MMU 6.2+: split in place.' }),
      'A guest write to a write-protected huge SPTE while logging.',
      'the preset\'s, else split-in-place with tdp and drop with shadow',
    ),
    maxHardwareLevel: field.optional(s.enumOf(PAGE_LEVEL_NAMES), 'Largest page the hardware maps in the EPT/NPT.', 'the preset\'s, else 1g'),
  },
  { noun: 'a kernel profile', description: 'KVM behaviour of the host.' },
);

export const hostSchema = s.object(
  {
    name: field.required(s.nameTemplate(), 'Host name (with count: a template where {i} becomes 1..count).'),
    count: field.optional(s.integer({ min: 1, max: 100_000 }), 'Declare this many identical hosts, named from the template.', '1'),
    link: field.required(s.rate(LINK_RATE), 'NIC rate, each direction (1Mbps to 10Tbps).'),
    latency: field.defaulted(s.duration({ allowZero: true }), '0.1ms', 'One-way network latency.'),
    memory: field.defaulted(s.size(), '1TiB', 'Host memory available to VMs.'),
    vcpus: field.defaulted(s.integer({ min: 1, max: 100_000 }), 64, 'Host CPUs.'),
    kernel: field.defaulted(kernelSchema, {}, 'KVM behaviour of the host.'),
    tlb: field.defaulted(s.enumOf(TLB_PROFILE_NAMES), DEFAULT_TLB_PROFILE, 'Hardware TLB profile of the host CPU (@migsim/guest TLB_PROFILES).'),
  },
  { noun: 'a host' },
);
