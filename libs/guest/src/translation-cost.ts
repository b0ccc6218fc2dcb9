import { TRANSLATION_BYTES, tlbReachBytes, type TlbProfile, type TranslationSize } from './tlb-profile';

/** Share of a set of bytes mapped by the host (EPT/NPT) at each size; sums to 1. */
export interface HostMappingShares {
  '4k': number;
  '2m': number;
  '1g': number;
}

const HOST_SIZES: readonly TranslationSize[] = ['4k', '2m', '1g'];

/**
 * Levels of a 4-level x86-64 page table walked to reach a leaf of `size`:
 * 4 for a 4K page (PML4, PDPT, PD, PT), 3 for 2M, 2 for 1G. 5-level paging
 * (LA57) is not modelled.
 */
export function walkLevels(size: TranslationSize): number {
  return size === '4k' ? 4 : size === '2m' ? 3 : 2;
}

/**
 * Memory references of a two-dimensional (nested) page walk: each of the g
 * guest page-table loads, and the final guest-physical address, is itself
 * translated by an h-level host walk, so (g + 1)(h + 1) - 1 references
 * (Bhargava et al., "Accelerating two-dimensional page walks for
 * virtualized systems", ASPLOS 2008). g and h are the levels used by the
 * guest and host walks: 4K guest on 4K EPT = 24, on 2M EPT = 19, on 1G
 * EPT = 14; 2M guest on 2M EPT = 15, on 1G EPT = 11.
 */
export function twoDimensionalWalkReferences(guestSize: TranslationSize, hostSize: TranslationSize): number {
  return (walkLevels(guestSize) + 1) * (walkLevels(hostSize) + 1) - 1;
}

/** The TLB caches the combined translation at the smaller of the two page sizes. */
export function cachedTranslationSize(guestSize: TranslationSize, hostSize: TranslationSize): TranslationSize {
  return TRANSLATION_BYTES[guestSize] <= TRANSLATION_BYTES[hostSize] ? guestSize : hostSize;
}

/**
 * Probability that an access spread evenly over `spreadBytes` misses the
 * TLB when its translations are cached at `size`: 1 - reach / spread,
 * where reach is what the TLB covers if all of its translations were of
 * that size (each size class is costed as if it had the TLB to itself).
 */
export function tlbMissProbability(profile: TlbProfile, size: TranslationSize, spreadBytes: number): number {
  if (spreadBytes <= 0) return 0;
  return Math.max(0, 1 - tlbReachBytes(profile, size) / spreadBytes);
}

/**
 * Expected page-walk time per access, ns:
 *   sum over guest size g (4K: 1 - thp, 2M: thp) and host size h (shares)
 *   of P(g) P(h) x miss(min(g, h)) x refs(g, h) x walkReferenceNs.
 * Guest THP placement is taken as independent of which host regions are
 * split. Non-increasing when bytes move from a smaller host size to a
 * larger one, or when guestThpFraction grows (given reach grows with size).
 */
export function translationNsPerAccess(
  profile: TlbProfile,
  hostShares: HostMappingShares,
  guestThpFraction: number,
  spreadBytes: number,
): number {
  let references = 0;
  for (const guestSize of ['4k', '2m'] as const) {
    const guestShare = guestSize === '4k' ? 1 - guestThpFraction : guestThpFraction;
    if (guestShare <= 0) continue;
    for (const hostSize of HOST_SIZES) {
      const share = guestShare * hostShares[hostSize];
      if (share <= 0) continue;
      const miss = tlbMissProbability(profile, cachedTranslationSize(guestSize, hostSize), spreadBytes);
      references += share * miss * twoDimensionalWalkReferences(guestSize, hostSize);
    }
  }
  return references * profile.walkReferenceNs;
}
