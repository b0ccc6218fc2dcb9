import type { OperationReport } from '@migsim/mmu';
import type { MigrationAction } from './actions';
import type { MigrationFault } from './events';
import type { RamLayout } from './ram-layout';
import type { SourceVm } from './source-vm';

/**
 * Dirty logging off on every memslot still logging — QEMU's
 * `memory_global_dirty_log_stop`, which in KVM runs the host's recovery
 * strategy (`kvm_mmu_zap_collapsible_sptes` since Linux 4.1) in libs/mmu.
 * Reports the action and returns each memslot's operation report.
 */
export function disableDirtyLogging(vm: SourceVm, layout: RamLayout, nowNs: number, out: MigrationAction[]): OperationReport[] {
  const reports: OperationReport[] = [];
  for (const slot of layout.slots) {
    if (vm.mmu.isDirtyLogging(slot.id)) reports.push(vm.mmu.setDirtyLogging(slot.id, false));
  }
  out.push({ type: 'dirty-logging', atNs: nowNs, enabled: false, reports });
  return reports;
}

/** A deep copy of plain data (a machine keeps its own parameters). */
export function clonePlainData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => clonePlainData(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) copy[key] = clonePlainData(item);
  return copy as T;
}

/** QEMU's error text for a fault that came without one. */
export function defaultFaultReason(fault: MigrationFault): string {
  switch (fault.kind) {
    case 'connection-lost':
      return 'Unable to write to socket: Connection reset by peer';
    case 'destination-crash':
      return 'Destination host failed: connection closed';
    case 'source-error':
      return 'Migration failed on the source';
  }
}
