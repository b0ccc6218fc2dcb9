import type { MmuCounters, VmMmu } from '@migsim/mmu';

/**
 * Simulated ns the vCPUs spent on dirty-logging work between two counter
 * snapshots: write-protection (fast) faults, PML-full exits and splits of
 * huge SPTEs on logged writes, priced with the MMU's own cost model. The
 * rest of the access cost is page faults that install SPTEs (and the few
 * ns per write of PML logging itself, which no counter separates).
 */
export function loggingExitCostNs(mmu: VmMmu, before: MmuCounters, after: MmuCounters): number {
  const costs = mmu.costs;
  return (
    (after.fastFaults - before.fastFaults) * costs.fastFaultNs +
    (after.pmlFullExits - before.pmlFullExits) * costs.pmlFullExitNs +
    (after.splits - before.splits) * costs.splitHugePageNs
  );
}
