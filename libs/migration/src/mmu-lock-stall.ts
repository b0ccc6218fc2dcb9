import type { OperationReport } from '@migsim/mmu';

/**
 * How long a kernel MMU operation stalls every vCPU (`GuestEnvironment.lockStallNs`).
 * The rmap walks of the legacy MMU (`zap-rmap`, `zap-max-level`) hold mmu_lock
 * for write: vCPUs that fault (and after a zap they all do) wait for the
 * whole walk, so it is charged in full. The TDP MMU (`zap-tdp`,
 * `recover-in-place`) and dirty-log harvesting let faults proceed between
 * holds, so a vCPU waits at most one hold: the longest one is charged.
 *
 * Every driver (the reference driver, the in-process engine, the source host
 * service) charges MMU operations to the guest through this one function.
 */
export function vcpuStallNs(report: OperationReport): number {
  const writeLocked = report.operation === 'disable-logging' && (report.strategy === 'zap-rmap' || report.strategy === 'zap-max-level');
  return writeLocked ? report.simulatedNs : report.lockHoldMaxNs;
}

/** The vCPU stall of a group of operations run back to back (one sync, one enable or disable). */
export function vcpuStallOfNs(reports: readonly OperationReport[]): number {
  let total = 0;
  for (const report of reports) total += vcpuStallNs(report);
  return total;
}
