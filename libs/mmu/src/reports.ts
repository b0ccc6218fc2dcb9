import type { RecoveryStrategy } from './kernel-profile';

/** What one kernel operation cost. */
export interface OperationReport {
  operation: 'enable-logging' | 'disable-logging' | 'get-dirty-log' | 'clear-dirty-log' | 'eager-split' | 'populate';
  /** The recovery strategy that ran (disable-logging only). */
  strategy?: RecoveryStrategy;
  /** Total simulated time of the operation. */
  simulatedNs: number;
  /** Longest stretch with mmu_lock held, and how often the walk yielded it. */
  lockHoldMaxNs: number;
  lockYields: number;
  tlbFlushes: number;
  /** Leaf SPTEs unmapped (the guest must fault them back). */
  sptesZapped: number;
  /** Present rmap entries visited by an rmap walk. */
  rmapEntriesScanned: number;
  /** Huge SPTEs installed in place by the operation. */
  hugeInstalled: number;
  /** Huge SPTEs split into 512 children. */
  splits: number;
}

/** What a batch of guest accesses cost. */
export interface AccessBatchResult {
  /** Simulated ns spent in faults, exits and PML logging (vCPU time). */
  costNs: number;
  faults4k: number;
  faults2m: number;
  faults1g: number;
  fastFaults: number;
  pmlFullExits: number;
  splits: number;
  /** Remote TLB flushes the faults caused (replacing a page table with a huge leaf, dropping a huge SPTE). */
  tlbFlushes: number;
  /** Writes to a read-only memslot (each an MMIO exit to userspace). */
  readonlyWriteExits: number;
}

/** Bytes of guest memory (in memslots) mapped at each level. */
export interface Coverage {
  bytes4k: number;
  bytes2m: number;
  bytes1g: number;
  bytesUnmapped: number;
}

/** Cumulative counters since the VM was created. */
export interface MmuCounters {
  faults4k: number;
  faults2m: number;
  faults1g: number;
  fastFaults: number;
  pmlFullExits: number;
  splits: number;
  sptesZapped: number;
  tlbFlushes: number;
  rmapEntriesScanned: number;
  lockHoldMaxNs: number;
  lockYields: number;
  hugeInstalledInPlace: number;
  readonlyWriteExits: number;
}

export function emptyBatch(): AccessBatchResult {
  return { costNs: 0, faults4k: 0, faults2m: 0, faults1g: 0, fastFaults: 0, pmlFullExits: 0, splits: 0, tlbFlushes: 0, readonlyWriteExits: 0 };
}

export function addBatchToCounters(counters: MmuCounters, batch: AccessBatchResult): void {
  counters.faults4k += batch.faults4k;
  counters.faults2m += batch.faults2m;
  counters.faults1g += batch.faults1g;
  counters.fastFaults += batch.fastFaults;
  counters.pmlFullExits += batch.pmlFullExits;
  counters.splits += batch.splits;
  counters.tlbFlushes += batch.tlbFlushes;
  counters.readonlyWriteExits += batch.readonlyWriteExits;
}

export function addReportToCounters(counters: MmuCounters, report: OperationReport): void {
  counters.splits += report.splits;
  counters.sptesZapped += report.sptesZapped;
  counters.tlbFlushes += report.tlbFlushes;
  counters.rmapEntriesScanned += report.rmapEntriesScanned;
  counters.lockHoldMaxNs = Math.max(counters.lockHoldMaxNs, report.lockHoldMaxNs);
  counters.lockYields += report.lockYields;
  counters.hugeInstalledInPlace += report.hugeInstalled;
}
