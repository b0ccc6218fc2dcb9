import type { OperationReport } from '@migsim/mmu';
import type { MigrationAction } from './actions';
import { FluidMachineBase } from './fluid-machine-base';
import { NS_PER_SEC, PAGE_SIZE_BYTES } from './qemu-constants';
import { RateWindow } from './rate-window';

/**
 * CloudSim's migration (PowerDatacenter: the VM_MIGRATE event is sent with
 * delay `vm.getRam() / (targetHost.getBw() / (2 * 8000))`, i.e. RAM over
 * half the bandwidth, "the other half of BW is for VM communication"; and
 * VmSchedulerTimeShared gives a migrating VM 90 % of its MIPS): a fixed
 * delay computed once at start, and a 10 % CPU overhead meanwhile.
 *
 * The bandwidth is the link rate given with `start` (else `max-bandwidth`).
 * Bytes are put on the link at RAM / delay so shared links see the load,
 * but completion does not wait for them: CloudSim's delay is fixed. CloudSim
 * has no downtime: the VM moves at the end of the delay.
 */
export class CloudsimMachine extends FluidMachineBase {
  readonly algorithm = 'cloudsim' as const;
  private completeAtNs = 0;

  protected onStart(_enableReports: readonly OperationReport[], out: MigrationAction[]): number {
    const ramBytes = this.layout.totalPages * PAGE_SIZE_BYTES;
    const bandwidth = (this.startLinkBytesPerSec ?? this.params['max-bandwidth']) * this.params.cloudsim.bandwidthShare;
    const delayNs = bandwidth > 0 ? (ramBytes / bandwidth) * NS_PER_SEC : Number.POSITIVE_INFINITY;
    this.completeAtNs = this.nowNs + delayNs;
    this.window = new RateWindow(this.nowNs, bandwidth, this.params['downtime-limit']);
    this.unsentBytes = ramBytes;
    this.setThrottle(Math.round(this.params.cloudsim.cpuOverhead * 100), 'migration-overhead', out);
    return 0;
  }

  protected onSetupDone(out: MigrationAction[]): void {
    this.currentStatus = 'active';
    this.setPhase('round', 1, out);
  }

  protected pump(out: MigrationAction[]): void {
    if (this.awaitingDestination) return;
    if (this.nowNs >= this.completeAtNs) {
      this.counters.syncCount = 1;
      this.unsentBytes = 0;
      this.pauseVm(out);
      this.setPhase('stop-and-copy', null, out);
      this.requestResume(out);
      return;
    }
    this.sendFluid(out);
  }

  protected wakeNs(): number | null {
    if (this.awaitingDestination) return null;
    const fluid = this.fluidWakeNs();
    return fluid === null ? this.completeAtNs : Math.min(fluid, this.completeAtNs);
  }
}
