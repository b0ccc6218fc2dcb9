export { PAGE_SIZE, PAGES_PER_1G, PAGES_PER_2M, levelBytes, type PageLevel } from './units';
export {
  KERNEL_PRESETS,
  RECOVERY_STRATEGIES,
  kernelProfile,
  type HugeWriteUnderLogging,
  type KernelProfile,
  type MmuKind,
  type RecoveryStrategy,
} from './kernel-profile';
export type { HostBacking, HostPageState } from './host-backing';
export { DEFAULT_COSTS, costModel, tlbFlushCostNs, type CostModel } from './cost-model';
export { MmuError, type MmuErrorCode } from './errors';
export type { AccessBatchResult, Coverage, MmuCounters, OperationReport } from './reports';
export { VmMmu, type BackingRange, type MemslotSpec, type SpteInfo, type VmMmuOptions } from './vm-mmu';
export { recycleBuffer, takeFilledBuffer, takeUnclearedBuffer, takeZeroedBuffer } from './page-array-pool';
