import { NORMAL_PAGE_WIRE_BYTES, type DestinationOutput, type MigrationEvent, type SwitchoverVerification } from '@migsim/migration';
import type { MigrationAttempt } from './migration-attempt';
import type { VariantRun } from './variant-run';

/**
 * The destination half of an attempt in the engine: what the destination's
 * `MigrationDestination` outputs (resumed, completed, post-copy page
 * requests) does to the run — the VM moving home, the switchover record the
 * memory checker reads, remote faults of post-copy — and the answers that
 * travel back to the source machine one link latency later (`command`).
 */
export class DestinationSide {
  constructor(
    private readonly run: VariantRun,
    private readonly command: (attempt: MigrationAttempt, event: MigrationEvent) => void,
  ) {}

  route(attempt: MigrationAttempt, outputs: readonly DestinationOutput[]): void {
    const run = this.run;
    const latency = attempt.link.latencyNs;
    for (const output of outputs) {
      switch (output.type) {
        case 'resumed':
          this.onDestinationResumed(attempt, output.verification);
          run.at(run.nowNs + latency, () => this.command(attempt, { type: 'destination-resumed', atNs: run.nowNs, verification: output.verification }));
          break;
        case 'completed':
          this.recordSwitchover(attempt, output.verification, 0, -1);
          run.at(run.nowNs + latency, () => this.command(attempt, { type: 'destination-complete', atNs: run.nowNs, verification: output.verification }));
          break;
        case 'page-request':
          run.at(run.nowNs + latency, () => this.command(attempt, { type: 'page-request', atNs: run.nowNs, gfns: output.gfns }));
          break;
      }
    }
  }

  /** The destination checked memory and started the VM: it now lives there. */
  private onDestinationResumed(attempt: MigrationAttempt, verification: SwitchoverVerification): void {
    const run = this.run;
    const vm = attempt.vm;
    if (verification.mode === 'precopy' && attempt.tracker !== null) {
      // firstStalePage is -1 exactly when nothing is stale: no second scan in the usual case.
      const stale = attempt.tracker.stalePageCount();
      this.recordSwitchover(attempt, verification, stale, stale > 0 ? attempt.tracker.firstStalePage() : -1);
    } else if (verification.mode === 'precopy' || verification.mode === 'fluid') {
      this.recordSwitchover(attempt, verification, 0, -1);
    }
    vm.advanceGuest(run.nowNs);
    vm.home = attempt.destinationHost;
    vm.runningOn = run.hooks.keepSourceRunningAfterSwitchover === true ? [attempt.sourceHost, attempt.destinationHost] : [attempt.destinationHost];
    vm.state = 'running';
    vm.pausedByMigration = false;
    vm.forcePaused = false;
    vm.autoConvergePercent = 0;
    vm.overheadPercent = 0;
    vm.pendingStallNs = 0;
    const built = vm.place(run.host(attempt.destinationHost).spec, run.nowNs);
    if (verification.mode === 'postcopy-start') {
      attempt.unsubscribe.push(built.guest.onWrite((gfn, count) => this.postcopyWrite(attempt, gfn, count)));
    }
    run.touch(vm);
    run.event('vm-resumed', vm.name, `on ${attempt.destinationHost} (${verification.mode})`);
  }

  private recordSwitchover(attempt: MigrationAttempt, verification: SwitchoverVerification, stalePageCount: number, firstStalePage: number): void {
    this.run.switchovers.push({
      migrationId: attempt.record.id,
      vmName: attempt.vm.name,
      atNs: this.run.nowNs,
      stalePageCount,
      firstStalePage,
      verified: verification.verified,
      detail: verification.detail ?? '',
    });
  }

  /** Post-copy: a guest write on the destination to a page it lacks is a remote fault (a round trip plus one page). */
  private postcopyWrite(attempt: MigrationAttempt, gfn: number, count: number): void {
    const destination = attempt.destination;
    if (destination === null || attempt.ended) return;
    const { faultPages, requests } = destination.guestWrite(gfn, count);
    if (faultPages === 0) return;
    const link = attempt.link;
    const pageNs = link.bytesPerSec > 0 ? (NORMAL_PAGE_WIRE_BYTES / link.bytesPerSec) * 1e9 : 0;
    attempt.vm.pendingStallNs += (faultPages * (2 * link.latencyNs + pageNs)) / attempt.vm.spec.vcpus;
    this.route(attempt, requests);
  }
}
