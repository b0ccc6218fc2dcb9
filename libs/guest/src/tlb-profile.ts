import { GuestError } from './errors';

/** Sizes of a cached translation. */
export type TranslationSize = '4k' | '2m' | '1g';

export const TRANSLATION_BYTES: Readonly<Record<TranslationSize, number>> = {
  '4k': 4096,
  '2m': 2 * 1024 * 1024,
  '1g': 1024 * 1024 * 1024,
};

/** One array of data-TLB entries. */
export interface TlbArray {
  level: 'l1' | 'l2';
  entries: number;
  /** Translation sizes an entry of this array can hold. */
  holds: readonly TranslationSize[];
  /** 1 GiB translations are stored as 2 MiB entries here ("smashed", AMD). */
  smashes1gTo2m?: boolean;
}

export interface TlbProfile {
  name: string;
  description: string;
  /** Where the entry counts and latencies come from. */
  sources: readonly string[];
  arrays: readonly TlbArray[];
  /**
   * Average latency of one memory reference made by the page walker, ns.
   * Most walker loads hit the L1D or the paging-structure caches; this is
   * an assumed average, see each profile.
   */
  walkReferenceNs: number;
}

/**
 * Intel Skylake-SP (Xeon Scalable 1st gen, e.g. Platinum 8180).
 * Entry counts: Intel 64 and IA-32 Architectures Optimization Reference
 * Manual (248966-045, Feb 2022), Table 2-15 (Skylake server uses the
 * Skylake client TLBs): L1 dTLB 64 x 4K, 32 x 2M/4M, 4 x 1G; STLB 1536
 * entries shared by 4K and 2M, 16 x 1G. CPUID leaf 2 on a Skylake-SP
 * reports the same 64 x 4K, 4 x 1G and 1536-entry 4K/2M L2 TLB.
 * Walk reference: 5 cycles at the 8180's 2.5 GHz base clock = 2.0 ns,
 * assuming walker loads mostly hit the L1D (4-5 cycle load-to-use in the
 * same manual; an L2 hit is 14 cycles on Skylake-SP). An assumption, not a
 * measurement: override it with your own.
 */
const SKYLAKE_SERVER: TlbProfile = {
  name: 'skylake-server',
  description: 'Intel Skylake-SP: L1 dTLB 64x4K + 32x2M + 4x1G, STLB 1536 shared 4K/2M + 16x1G',
  sources: [
    'Intel 64 and IA-32 Architectures Optimization Reference Manual, 248966-045 (Feb 2022), Table 2-15',
    'CPUID leaf 2 on Skylake-SP: data TLB 64x4K, 4x1G; L2 TLB 1536 entries 4K/2M',
  ],
  arrays: [
    { level: 'l1', entries: 64, holds: ['4k'] },
    { level: 'l1', entries: 32, holds: ['2m'] },
    { level: 'l1', entries: 4, holds: ['1g'] },
    { level: 'l2', entries: 1536, holds: ['4k', '2m'] },
    { level: 'l2', entries: 16, holds: ['1g'] },
  ],
  walkReferenceNs: 2.0,
};

/**
 * AMD Zen 3 (EPYC 7003 "Milan", e.g. EPYC 7763). L1 dTLB: 64 entries,
 * fully associative, any page size; L2 dTLB: 2048 entries for 4K and 2M,
 * 1G pages smashed into 2M entries. Source: Software Optimization Guide
 * for AMD Family 19h Processors (pub. 56665), section on the data TLBs;
 * the same geometry as Zen 2, which WikiChip's Zen 2 page describes in
 * those words ("1-Gbyte pages are smashed into 2-Mbyte entries").
 * Walk reference: 5 cycles at the 7763's 2.45 GHz base clock = 2.0 ns,
 * the same L1D-hit assumption as Skylake (Zen 3 L1D load-to-use is 4-5
 * cycles, L2 12 cycles).
 */
const ZEN3_EPYC: TlbProfile = {
  name: 'zen3-epyc',
  description: 'AMD Zen 3 (EPYC 7003): L1 dTLB 64 any size, L2 dTLB 2048 4K/2M (1G smashed to 2M)',
  sources: [
    'Software Optimization Guide for AMD Family 19h Processors, pub. 56665, data TLB section',
    'WikiChip, AMD Zen 2 microarchitecture: 64-entry L1 dTLB (4K/2M/1G), 2048-entry L2 dTLB (4K/2M), 1G smashed to 2M',
  ],
  arrays: [
    { level: 'l1', entries: 64, holds: ['4k', '2m', '1g'] },
    { level: 'l2', entries: 2048, holds: ['4k', '2m'], smashes1gTo2m: true },
  ],
  walkReferenceNs: 2.0,
};

export const TLB_PROFILES: Readonly<Record<string, TlbProfile>> = Object.freeze({
  [SKYLAKE_SERVER.name]: SKYLAKE_SERVER,
  [ZEN3_EPYC.name]: ZEN3_EPYC,
});

export const DEFAULT_TLB_PROFILE = SKYLAKE_SERVER.name;

/** A profile by name, or the profile itself, validated. */
export function resolveTlbProfile(tlb: TlbProfile | string | undefined): TlbProfile {
  const profile = typeof tlb === 'string' || tlb === undefined ? TLB_PROFILES[tlb ?? DEFAULT_TLB_PROFILE] : tlb;
  if (!profile) {
    throw new GuestError(
      'UNKNOWN_TLB_PROFILE',
      `tlb: unknown profile "${String(tlb)}"; expected one of ${Object.keys(TLB_PROFILES).join(', ')}`,
    );
  }
  validateTlbProfile(profile);
  return profile;
}

/**
 * Bytes the TLB covers when every translation is of `size`: the sum over
 * the arrays that can hold it (L1 and L2 counted as one pool each, a
 * mostly-exclusive approximation). A smashed 1G translation covers 2M.
 */
export function tlbReachBytes(profile: TlbProfile, size: TranslationSize): number {
  let reach = 0;
  for (const array of profile.arrays) {
    if (array.holds.includes(size)) reach += array.entries * TRANSLATION_BYTES[size];
    else if (size === '1g' && array.smashes1gTo2m && array.holds.includes('2m')) {
      reach += array.entries * TRANSLATION_BYTES['2m'];
    }
  }
  return reach;
}

/**
 * A profile must reach at least as far with bigger translations as with
 * smaller ones; the throughput model relies on it to be monotone in huge
 * page coverage.
 */
export function validateTlbProfile(profile: TlbProfile): void {
  const fail = (what: string): never => {
    throw new GuestError('INVALID_TLB_PROFILE', `tlb profile "${profile.name}": ${what}`);
  };
  if (!(profile.walkReferenceNs > 0 && Number.isFinite(profile.walkReferenceNs))) fail('walkReferenceNs must be > 0');
  for (const [i, array] of profile.arrays.entries()) {
    if (!(Number.isInteger(array.entries) && array.entries >= 0)) fail(`arrays[${i}].entries must be an integer >= 0`);
  }
  const r4k = tlbReachBytes(profile, '4k');
  const r2m = tlbReachBytes(profile, '2m');
  const r1g = tlbReachBytes(profile, '1g');
  if (!(r4k > 0)) fail('no array holds 4K translations');
  if (r2m < r4k || r1g < r2m) fail(`reach must grow with page size (4K ${r4k} B, 2M ${r2m} B, 1G ${r1g} B)`);
}
