import type { Coverage } from '@migsim/mmu';
import type { HostMappingShares } from './translation-cost';

/**
 * Share of *mapped* guest memory mapped with huge SPTEs (2M or 1G).
 * Unmapped memory is left out: memory outside the working set that a
 * recovery zapped is never touched again and stays unmapped, and it costs
 * the guest nothing; counting it as "not huge" would make a fully
 * recovered VM look like it never recovered. 0 when nothing is mapped.
 */
export function hugeFraction(coverage: Coverage): number {
  const mapped = coverage.bytes4k + coverage.bytes2m + coverage.bytes1g;
  return mapped > 0 ? (coverage.bytes2m + coverage.bytes1g) / mapped : 0;
}

/**
 * Host mapping shares of a set of guest memory (the working set, or the
 * write working set) estimated from the whole-VM coverage, with no scan:
 * 4K mappings are attributed to the set first, because the guest's own
 * writes are what split huge pages (and memory it does not touch is only
 * 4K when the host backs it with 4K pages or an eager split ran). The rest
 * of the set's mapped bytes are huge, split between 2M and 1G in the
 * VM-wide ratio. Unmapped bytes of the set cost page faults, not TLB
 * misses, so they are left out. Exact when the set is the whole memory.
 * Returns `fallback` when nothing is mapped.
 */
export function setHostShares(coverage: Coverage, setBytes: number, fallback: HostMappingShares): HostMappingShares {
  const mapped = coverage.bytes4k + coverage.bytes2m + coverage.bytes1g;
  const setMapped = Math.min(setBytes, mapped);
  if (setMapped <= 0) return fallback;
  const share4k = Math.min(coverage.bytes4k, setMapped) / setMapped;
  const huge = coverage.bytes2m + coverage.bytes1g;
  const share1g = huge > 0 ? ((1 - share4k) * coverage.bytes1g) / huge : 0;
  return { '4k': share4k, '2m': Math.max(0, 1 - share4k - share1g), '1g': share1g };
}
