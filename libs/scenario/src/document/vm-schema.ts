import { WORKLOAD_DEFAULTS } from '@migsim/guest';
import { field, s } from '../schema/builders';
import { nameSetSchema, rateValueSchema, shareValueSchema, sizeValueSchema, vcpuValueSchema } from './distribution-schemas';

export const BACKINGS = ['thp', 'hugetlb-2m', 'hugetlb-1g', '4k'] as const;
export const ACCESS_PATTERNS = ['uniform', 'zipf', 'hot-cold', 'sequential'] as const;
export const PLACEMENTS = ['round-robin', 'packed', 'random'] as const;

/**
 * The workload defaults are @migsim/guest's own (`WORKLOAD_DEFAULTS`, documented
 * there), so a scenario and a `workloadSpec()` built in code mean the same.
 */
export { WORKLOAD_DEFAULTS };

const formatShare = (share: number): string => `${Number((share * 100).toPrecision(6))}%`;

export const workloadSchema = s.object(
  {
    pattern: field.defaulted(
      s.enumOf(ACCESS_PATTERNS, {
        uniform: 'Every page of the working set equally likely.',
        zipf: 'Page popularity follows a Zipf law (zipfExponent).',
        'hot-cold': 'hotFraction of the working set takes hotAccessShare of the accesses.',
        sequential: 'A pointer sweeps the write working set, wrapping around.',
      }),
      'uniform',
      'Access distribution.',
    ),
    workingSet: field.optional(shareValueSchema(), 'Memory the guest touches (a percent: of the VM\'s memory).', "the VM's memory"),
    writeWorkingSet: field.optional(
      shareValueSchema(),
      'Memory the guest writes, the first part of the working set (dirty pages are distinct pages of it; a percent: of the working set).',
      `${formatShare(WORKLOAD_DEFAULTS.writeWorkingSetShare)} of the working set`,
    ),
    dirtyRate: field.required(rateValueSchema(), 'Page-write rate (pages x 4096 per second) while unthrottled; 0 for a VM that writes nothing.'),
    writeFraction: field.optional(s.fraction(), 'Share of memory accesses that are writes.', formatShare(WORKLOAD_DEFAULTS.writeFraction)),
    accessRate: field.optional(
      s.number({ min: 1 }),
      'Memory accesses per second per vCPU that land on an arbitrary place of the working set (what the TLB sees).',
      String(WORKLOAD_DEFAULTS.accessesPerSecPerVcpu),
    ),
    zipfExponent: field.optional(s.number({ above: 0, max: 10 }), 'Zipf exponent (pattern zipf only).', String(WORKLOAD_DEFAULTS.zipfExponent)),
    hotFraction: field.optional(s.fraction(), 'Share of the write working set that is hot, strictly between 0 and 1 (pattern hot-cold only).', formatShare(WORKLOAD_DEFAULTS.hotFraction)),
    hotAccessShare: field.optional(s.fraction(), 'Share of writes that go to the hot part (pattern hot-cold only).', formatShare(WORKLOAD_DEFAULTS.hotAccessShare)),
    guestThp: field.optional(s.fraction(), 'Share of guest memory the guest maps with its own 2M pages (guest THP).', formatShare(WORKLOAD_DEFAULTS.guestThpFraction)),
  },
  { noun: 'a workload', description: 'What the guest does with its memory.' },
);

export const vmSchema = s.object(
  {
    name: field.required(s.nameTemplate(), 'VM name (with count: a template where {i} becomes 1..count, else -{i} is appended).'),
    count: field.optional(s.integer({ min: 1, max: 1_000_000 }), 'Declare this many VMs, named from the template; distributions are drawn per VM.', '1'),
    host: field.optional(s.nameTemplate(), 'Host the VM runs on at time 0 (with count, {i} in it becomes the VM\'s number: h-{i}).'),
    hosts: field.optional(nameSetSchema(), 'Hosts the VMs of the entry are placed on at time 0, by placement (names, ranges such as h-1..h-20, rack names, all).'),
    placement: field.optional(
      s.enumOf(PLACEMENTS, {
        'round-robin': 'VM k goes to the k-th host of the set, wrapping around.',
        packed: 'Fill each host of the set in order until the next VM does not fit in its memory.',
        random: 'Each VM on a host of the set drawn from the seed, among those with room for it.',
      }),
      'How the entry\'s VMs are spread over hosts.',
      'round-robin (with hosts)',
    ),
    antiAffinity: field.optional(s.name(), 'Anti-affinity group: drains never place two VMs of one group on the same host.', 'none'),
    memory: field.required(sizeValueSchema(), 'Guest memory.'),
    vcpus: field.defaulted(vcpuValueSchema(), WORKLOAD_DEFAULTS.vcpus, 'Guest vCPUs.'),
    backing: field.defaulted(
      s.enumOf(BACKINGS, {
        thp: 'Transparent huge pages.',
        'hugetlb-2m': 'hugetlbfs, 2M pages.',
        'hugetlb-1g': 'hugetlbfs, 1G pages.',
        '4k': 'Plain 4K pages.',
      }),
      'thp',
      'Host memory behind the guest.',
    ),
    thpSplitFraction: field.optional(s.fraction(), 'Share of the THPs the host has split but that are still compound (not huge-mappable; backing thp only).', '0'),
    workload: field.required(workloadSchema, 'What the guest does with its memory.'),
  },
  { noun: 'a VM', exactlyOneOf: [['host', 'hosts']] },
);
