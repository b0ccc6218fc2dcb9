import { measuredDirtyRate, vcpuStallNs } from '@migsim/migration';
import { GUEST_RAM_SLOT_ID } from '../constants';
import type { ProbeStart } from '../messages/messages';
import type { HostPort } from './host-port';
import type { HostedVm } from './hosted-vm';

/**
 * QEMU `calc-dirty-rate` on one VM of this host, in either mode:
 * `page-sampling` counts the guest's writes and leaves the MMU alone;
 * `dirty-bitmap` switches dirty logging on for the measurement (splitting
 * huge SPTEs as a migration would) and off after it, which runs the host's
 * recovery strategy as after a failed migration (trigger `probe-ended`).
 * The rate is reported in whole MB/s, as QEMU's `query-dirty-rate` does.
 */
export class DirtyRateProbe {
  readonly endNs: number;
  private readonly startNs: number;
  private pagesWritten = 0;
  private unsubscribe: (() => void) | undefined;
  private done = false;

  private constructor(
    private readonly host: HostPort,
    readonly request: ProbeStart,
    readonly vm: HostedVm,
  ) {
    this.startNs = host.nowNs();
    this.endNs = this.startNs + request.durationNs;
  }

  /** Starts the probe, or reports it skipped (VM busy or not running here); returns the probe when it runs. */
  static start(host: HostPort, request: ProbeStart): DirtyRateProbe | undefined {
    const vm = host.vm(request.vm);
    if (!host.up || vm === undefined || vm.state !== 'running' || vm.outgoing !== undefined || vm.probing !== undefined || vm.postcopyIncoming !== undefined) {
      host.event('probe-skipped', request.probe, `VM ${request.vm} is busy or not running`);
      if (request.reportRate) host.toController({ kind: 'probe.ended', probe: request.probe, vm: request.vm, rateBytesPerSec: null });
      return undefined;
    }
    const probe = new DirtyRateProbe(host, request, vm);
    probe.begin();
    return probe;
  }

  private begin(): void {
    const { host, vm, request } = this;
    const now = host.nowNs();
    const wasStepping = vm.recovery !== undefined;
    const model = vm.ensure(now);
    if (wasStepping) vm.advanceGuest(now);
    else vm.guestTimeNs = Math.max(vm.guestTimeNs, now);
    if (request.mode === 'dirty-bitmap') {
      vm.closeRecovery();
      const report = model.mmu.setDirtyLogging(GUEST_RAM_SLOT_ID, true);
      vm.pendingStallNs += vcpuStallNs(report);
      vm.loggingProbe = true;
      host.event('dirty-logging-enabled', vm.name, `probe ${request.probe}`);
    } else {
      this.unsubscribe = model.guest.onWrite((_gfn, count) => {
        this.pagesWritten += count;
      });
      vm.loggingProbe = false;
    }
    vm.probing = request.probe;
    host.highlight(vm);
    host.event('probe-started', request.probe, `VM ${vm.name}, ${request.mode}, ${request.durationNs / 1e9} s`);
    host.startStepping(vm);
  }

  /** Ends the measurement now (at its end time, or early: a migration starts, the host crashes). */
  finish(): void {
    if (this.done) return;
    this.done = true;
    const { host, vm, request } = this;
    const now = host.nowNs();
    vm.advanceGuest(now);
    const elapsedNs = Math.max(1, now - this.startNs);
    if (request.mode === 'dirty-bitmap' && vm.isBuilt && vm.resident && vm.state !== 'down') {
      const mmu = vm.built.mmu;
      const log = mmu.getDirtyLog(GUEST_RAM_SLOT_ID);
      this.pagesWritten = log.dirtyPageCount;
      const off = mmu.setDirtyLogging(GUEST_RAM_SLOT_ID, false);
      vm.pendingStallNs += vcpuStallNs(log.report) + vcpuStallNs(off);
      vm.probing = undefined;
      vm.loggingProbe = false;
      host.event('dirty-logging-disabled', vm.name, `probe ${request.probe}`);
      host.startRecovery(vm, 'probe-ended', request.probe, [off]);
    } else {
      this.unsubscribe?.();
      vm.probing = undefined;
      vm.loggingProbe = false;
    }
    const rate = measuredDirtyRate(this.pagesWritten, elapsedNs);
    host.highlight(vm);
    host.event('probe-ended', request.probe, `VM ${vm.name}: ${Math.round(rate)} bytes/s`);
    if (request.reportRate) host.toController({ kind: 'probe.ended', probe: request.probe, vm: vm.name, rateBytesPerSec: rate });
  }

  get finished(): boolean {
    return this.done;
  }
}
