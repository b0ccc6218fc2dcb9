/** Running totals behind `query-migrate`'s `ram` section (QEMU `mig_stats`). */
export interface RamCounters {
  transferredBytes: number;
  normalPages: number;
  zeroPages: number;
  precopyBytes: number;
  downtimeBytes: number;
  postcopyBytes: number;
  syncCount: number;
  dirtyPagesRate: number;
  postcopyRequests: number;
}

export function emptyRamCounters(): RamCounters {
  return {
    transferredBytes: 0,
    normalPages: 0,
    zeroPages: 0,
    precopyBytes: 0,
    downtimeBytes: 0,
    postcopyBytes: 0,
    syncCount: 0,
    dirtyPagesRate: 0,
    postcopyRequests: 0,
  };
}

/**
 * `ram_transferred_add`: a sent batch's bytes and pages, its bytes counted
 * where QEMU counts them — while the VM runs: pre-copy; in post-copy:
 * post-copy; otherwise (paused for the final copy): downtime.
 */
export function countSentBatch(c: RamCounters, batch: { wireBytes: number; normalPageCount: number; zeroPageCount: number }, stage: 'precopy' | 'postcopy' | 'downtime'): void {
  c.transferredBytes += batch.wireBytes;
  c.normalPages += batch.normalPageCount;
  c.zeroPages += batch.zeroPageCount;
  if (stage === 'precopy') c.precopyBytes += batch.wireBytes;
  else if (stage === 'postcopy') c.postcopyBytes += batch.wireBytes;
  else c.downtimeBytes += batch.wireBytes;
}
