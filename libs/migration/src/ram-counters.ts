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
