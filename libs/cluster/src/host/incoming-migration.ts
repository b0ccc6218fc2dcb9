import { MigrationDestination, NORMAL_PAGE_WIRE_BYTES, type DestinationOutput, type PageBatch, type SwitchoverCheck, type SwitchoverVerification } from '@migsim/migration';
import type { StreamPrepare } from '../messages/messages';
import { WorldError } from '../world/world-error';
import type { HostPort } from './host-port';
import type { HostedVm } from './hosted-vm';

/**
 * The destination side of one attempt (QEMU `-incoming`): libs/migration's
 * `MigrationDestination` receives the stream and checks memory when told to
 * resume; this class carries out what that means on the host — the VM
 * arriving (built here from its spec, placement `placement`), the answers
 * to the source, the controller told where the VM runs, and in post-copy
 * the guest's remote faults (each a round trip plus one page at the
 * stream's rate, charged to the guest as a stall, and a page request).
 */
export class IncomingMigration {
  readonly attemptId: string;
  readonly migration: string;
  readonly attempt: number;
  readonly source: string;
  readonly vmName: string;
  private readonly placement: number;
  private readonly destination: MigrationDestination;
  private latencyNs: number;
  private rateBytesPerSec: number;
  /** The VM once it runs here (post-copy: while pages still arrive). */
  private vm: HostedVm | undefined;
  private unsubscribe: (() => void) | undefined;
  ended = false;

  constructor(
    private readonly host: HostPort,
    prepare: StreamPrepare,
  ) {
    this.attemptId = prepare.attemptId;
    this.migration = prepare.migration;
    this.attempt = prepare.attempt;
    this.source = prepare.source;
    this.vmName = prepare.vm;
    this.placement = prepare.placement;
    this.latencyNs = prepare.latencyNs;
    this.rateBytesPerSec = prepare.rateBytesPerSec;
    this.destination = new MigrationDestination({ migrationId: prepare.attemptId, layout: prepare.layout, memoryModel: prepare.memoryModel });
  }

  /** A pre-copy batch (lazy): applied whenever it arrives; it never completes a command by itself. */
  applyLazyBatch(batch: PageBatch): void {
    if (this.ended) return;
    const outputs = this.destination.receive(batch);
    if (outputs.length > 0) {
      throw new WorldError('WORLD_CAUSALITY', `lazy batch ${batch.seq} of ${this.attemptId} completed a destination command: a command overtook its batches`);
    }
  }

  /** A post-copy batch (counted): requested pages the guest may be waiting for. */
  receiveBatch(batch: PageBatch): void {
    if (this.ended) return;
    this.route(this.destination.receive(batch));
  }

  resume(check: SwitchoverCheck): void {
    if (!this.ended) this.route(this.destination.resume(check));
  }

  complete(check: SwitchoverCheck): void {
    if (!this.ended) this.route(this.destination.complete(check));
  }

  setRate(rateBytesPerSec: number, latencyNs: number): void {
    this.rateBytesPerSec = rateBytesPerSec;
    this.latencyNs = latencyNs;
  }

  /** The source gave up: drop the half-received VM (a post-copy guest that ran here is lost with it). */
  discard(reason: string): void {
    if (this.ended) return;
    this.end();
    const vm = this.vm;
    if (vm !== undefined && vm.resident) {
      vm.advanceGuest(this.host.nowNs());
      vm.state = 'lost';
      vm.stateReason = `${this.migration}: ${reason}`;
      vm.postcopyIncoming = undefined;
      vm.discardModel();
      this.host.highlight(vm);
    }
  }

  /** This host crashed: the connection breaks, and the source finds out one latency later. */
  crash(reason: string): void {
    if (this.ended) return;
    this.end();
    this.host.toHost(this.source, { kind: 'stream.peer-lost', attemptId: this.attemptId, reason }, this.latencyNs);
  }

  private end(): void {
    this.ended = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.destination.drop();
  }

  private route(outputs: readonly DestinationOutput[]): void {
    const host = this.host;
    for (const output of outputs) {
      switch (output.type) {
        case 'resumed':
          this.onResumed(output.verification);
          host.toHost(this.source, { kind: 'stream.resumed', attemptId: this.attemptId, verification: output.verification }, this.latencyNs);
          break;
        case 'completed':
          this.record(output.verification);
          if (this.vm !== undefined) {
            this.vm.postcopyIncoming = undefined;
            host.touch(this.vm);
          }
          this.unsubscribe?.();
          this.unsubscribe = undefined;
          // Nothing reads the received page versions once memory was checked.
          this.destination.release();
          this.ended = true;
          host.toHost(this.source, { kind: 'stream.completed', attemptId: this.attemptId, verification: output.verification }, this.latencyNs);
          break;
        case 'page-request':
          host.toHost(this.source, { kind: 'stream.page-request', attemptId: this.attemptId, gfns: output.gfns }, this.latencyNs);
          break;
      }
    }
  }

  /** The destination checked memory and starts the VM: it now lives here. */
  private onResumed(verification: SwitchoverVerification): void {
    const host = this.host;
    if (verification.mode === 'precopy' || verification.mode === 'fluid') this.record(verification);
    const spec = host.variant.vms.find((vm) => vm.name === this.vmName)!;
    const vm = host.adoptVm(spec, this.placement, true);
    this.vm = vm;
    const model = vm.ensure(host.nowNs());
    if (verification.mode === 'postcopy-start') {
      vm.postcopyIncoming = this.attemptId;
      this.unsubscribe = model.guest.onWrite((gfn, count) => this.postcopyWrite(gfn, count));
      host.startStepping(vm);
    } else {
      // Pre-copy: memory is complete and checked; the page versions are no longer needed.
      this.destination.release();
      this.ended = true;
    }
    host.event('vm-resumed', vm.name, `on ${host.name} (${verification.mode})`);
    host.toController({ kind: 'vm.resumed', vm: vm.name, host: host.name, migration: this.migration, attempt: this.attempt });
  }

  private record(verification: SwitchoverVerification): void {
    this.host.recordSwitchover({
      migration: this.migration,
      vm: this.vmName,
      verified: verification.verified,
      detail: verification.detail ?? '',
      mode: verification.mode,
    });
  }

  /** Post-copy: a guest write here to a page not yet received is a remote fault. */
  private postcopyWrite(gfn: number, count: number): void {
    const vm = this.vm;
    if (vm === undefined || this.ended) return;
    const { faultPages, requests } = this.destination.guestWrite(gfn, count);
    if (faultPages === 0) return;
    const pageNs = this.rateBytesPerSec > 0 ? (NORMAL_PAGE_WIRE_BYTES / this.rateBytesPerSec) * 1e9 : 0;
    vm.pendingStallNs += (faultPages * (2 * this.latencyNs + pageNs)) / vm.spec.vcpus;
    this.route(requests);
  }

  /** Whether the VM runs here with pages still missing (its guest steps may send page requests). */
  get runningPostcopy(): boolean {
    return !this.ended && this.vm?.postcopyIncoming === this.attemptId;
  }
}
