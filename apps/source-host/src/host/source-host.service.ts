import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MigrationParametersInput, SwitchoverVerification } from '@migsim/migration';
import type { HostSpec, VmSpec } from '@migsim/scenario';
import { hashName, Rng } from '@migsim/sim';
import { migrationJobId, type BullmqQueuePort, type JsonValue, type Outbox } from '@migsim/transport';
import { OUTBOX, QUEUE_PORT } from '@migsim/transport/nest';
import { SOURCE_HOST_CONFIG, type SourceHostConfig } from '../config/source-host-config';
import { asJson, type HostEventKind, type ServiceMessage, type WireMessage } from '@migsim/protocol';
import { HostedVm, type ProbeCommand } from '../vm/hosted-vm';
import { SampleBatcher } from './sample-batches';
import { simNowNs, type RunClock } from './sim-clock';

export interface VmCreateBody {
  variant: string;
  vm: VmSpec;
  host: HostSpec;
  seed: number;
  epochMs: number;
  speed: number;
  horizonNs: number;
  samplingNs: number;
  watchFractions: number[];
}

export interface MigrationBody {
  variant: string;
  vm: string;
  migration: string;
  attempt: number;
}

export type MigrationStartBody = MigrationBody & { destination: HostSpec; params: MigrationParametersInput; linkBytesPerSec: number; atNs: number };
export type MigrationFaultBody = MigrationBody & { kind: 'connection-lost' | 'destination-crash' | 'source-error'; reason: string };
export type DestinationAnswerBody = MigrationBody & { verification: SwitchoverVerification };
export type MigrationLinkBody = MigrationBody & { bytesPerSec: number; latencyNs: number; atNs: number };
export type VmProbeBody = ProbeCommand & { variant: string; vm: string };

/**
 * The source-host process: takes the commands of every simulated host it was
 * given (HostCommandsController, one method per command), holds their VMs (GuestVm + VmMmu), runs the source side of
 * each migration on the scaled clock, and reports phases, outcomes,
 * recoveries and finally each VM's report to the controller.
 */
@Injectable()
export class SourceHostService implements OnModuleInit, OnApplicationShutdown {
  private readonly vms = new Map<string, { vm: HostedVm; clock: RunClock; run: string; variant: string; host: string }>();
  private readonly incarnation = Date.now();
  private eventSeq = 0;
  private readonly samples = new SampleBatcher();
  private loop: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SOURCE_HOST_CONFIG) private readonly config: SourceHostConfig,
    @Inject(QUEUE_PORT) private readonly port: BullmqQueuePort<WireMessage>,
    @Inject(OUTBOX) private readonly outbox: Outbox<WireMessage>,
  ) {}

  onModuleInit(): void {
    this.loop = setInterval(() => this.tick(), this.config.tickMs);
    this.heartbeat = setInterval(() => this.beat(), this.config.heartbeatMs);
    this.beat();
    this.log(`serving hosts ${this.config.hosts.join(', ')} in namespace ${this.config.namespace}`);
  }

  /**
   * SIGTERM: the transport has stopped taking commands by now (handlers in
   * flight finished or were handed back); flush what is queued for Redis, close.
   */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.loop);
    clearInterval(this.heartbeat);
    await this.outbox.drain(3_000);
    await Promise.race([this.port.close(), new Promise((done) => setTimeout(done, 3_000))]);
    this.log('stopped');
  }

  startMigration(run: string, host: string, start: MigrationStartBody): void {
    const entry = this.vmFor(run, start);
    if (entry === undefined) throw new Error(`migration.start ${start.migration}: no VM ${start.vm} of ${run}/${start.variant} on ${host}`);
    entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
    entry.vm.startMigration({ ...start, atNs: Math.max(start.atNs, entry.vm.simulatedUntilNs) });
  }

  faultMigration(run: string, fault: MigrationFaultBody): void {
    const entry = this.vmFor(run, fault);
    const active = entry?.vm.activeMigration();
    if (entry === undefined || active === null || active === undefined || active.id !== fault.migration || active.attempt !== fault.attempt) return;
    entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
    entry.vm.fault(fault.kind, fault.reason);
  }

  /** `migration.link`: the controller's network model re-rated this migration's flow. */
  /** `vm.probe`: a dirty-rate probe of one VM, started at its simulated time (HostedVm.scheduleProbe). */
  probeVm(run: string, body: VmProbeBody): void {
    const entry = this.vmFor(run, body);
    if (entry === undefined) return;
    entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
    entry.vm.scheduleProbe({ probe: body.probe, mode: body.mode, atNs: body.atNs, durationNs: body.durationNs });
  }

  relinkMigration(run: string, link: MigrationLinkBody): void {
    const entry = this.vmFor(run, link);
    if (entry === undefined) return;
    entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
    entry.vm.relink(link.migration, link.attempt, link.bytesPerSec, link.latencyNs);
  }

  cancelMigration(run: string, cancel: MigrationBody): void {
    const entry = this.vmFor(run, cancel);
    if (entry === undefined) return;
    entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
    entry.vm.cancel();
  }

  destinationAnswer(run: string, answer: DestinationAnswerBody): void {
    const entry = this.vmFor(run, answer);
    if (entry === undefined) return;
    entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
    entry.vm.destinationAnswer(answer.migration, answer.attempt, answer.verification);
  }

  createVm(run: string, host: string, body: VmCreateBody): void {
    const key = `${run}/${body.variant}/${body.vm.name}`;
    if (this.vms.has(key)) return;
    const rng = new Rng(body.seed).fork(`variant:${body.variant}`).fork(`vm:${body.vm.name}`);
    const variant = body.variant;
    const vm = new HostedVm(key, body.vm, body.host, rng, body.horizonNs, body.samplingNs, body.watchFractions, {
      stream: (destination, migration, attempt, kind, seq, streamBody) => {
        const migrationKey = `${variant}/${migration}`;
        // Control messages say who to answer; batches are the libs/migration PageBatch as is.
        // A PageBatch is plain JSON data already (numbers, strings, arrays of them) and the queue serialises it:
        // no JSON round trip of its own here, it is most of the page stream's bytes.
        // `source` is who answers: this process's host that holds the VM, even once a migration moved the VM elsewhere.
        const payload = kind === 'batch' ? (streamBody as JsonValue) : asJson({ ...(streamBody as object), source: host, vm: body.vm.name });
        const message: ServiceMessage = { v: 1, type: 'migsim.page-stream', run, migration: migrationKey, attempt, seq, kind, body: payload };
        this.outbox.push(this.port.layout.migrationPages(destination), message, migrationJobId({ run, migration: migrationKey, attempt, seq }));
      },
      event: (kind, eventBody) => this.event(run, vm.host, kind, { variant, vm: body.vm.name, ...(eventBody as object) }),
    });
    this.vms.set(key, { vm, clock: { epochMs: body.epochMs, speed: body.speed }, run, variant, host });
    this.log(`${key}: VM created on ${host} (${body.vm.memoryBytes / 2 ** 30} GiB, ${body.host.kernel.recovery})`);
  }

  finishVariant(run: string, host: string, body: { variant: string }): void {
    for (const [key, entry] of this.vms) {
      if (entry.run !== run || entry.variant !== body.variant || entry.host !== host) continue;
      entry.vm.advanceTo(Infinity);
      this.sendSamples([[key, entry]]);
      this.samples.forget(key);
      this.event(run, host, 'vm.report', { variant: body.variant, vm: entry.vm.name, report: entry.vm.report(), levels: entry.vm.recoveryLevels(), dirtyLogging: entry.vm.dirtyLoggingOn(), lost: entry.vm.lost });
      this.vms.delete(key);
    }
  }

  private vmFor(run: string, body: { variant: string; vm: string }) {
    return this.vms.get(`${run}/${body.variant}/${body.vm}`);
  }

  private tick(): void {
    const now = Date.now();
    for (const entry of this.vms.values()) {
      try {
        entry.vm.advanceTo(simNowNs(entry.clock, now));
      } catch (error) {
        this.log(`${entry.vm.key}: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }

  private beat(): void {
    for (const host of this.config.hosts) this.event('heartbeats', host, 'host.heartbeat', { role: 'source', vms: this.vms.size, pendingSends: this.outbox.pending });
    this.sendSamples(this.vms);
  }

  /** The timeline points recorded since the last heartbeat, as one `vm.samples` event per run and host (the controller's live view). */
  private sendSamples(vms: Iterable<[string, { vm: HostedVm; run: string; variant: string }]>): void {
    const sampled = [...vms].map(([key, entry]) => ({ key, run: entry.run, variant: entry.variant, name: entry.vm.name, host: entry.vm.host, points: entry.vm.timelinePoints }));
    for (const batch of this.samples.take(sampled)) this.event(batch.run, batch.host, 'vm.samples', { vms: batch.vms });
  }

  private event(run: string, host: string, kind: HostEventKind, body: unknown): void {
    const seq = this.eventSeq++;
    const message: ServiceMessage = { v: 1, type: 'migsim.host-event', run, host, kind, body: asJson(body) };
    this.outbox.push(this.port.layout.controllerEvents, message, migrationJobId({ run, migration: `source:${hashName(this.config.hosts.join(','))}`, attempt: this.incarnation, seq }));
  }

  private log(line: string): void {
    process.stderr.write(`[source-host ${this.config.hosts.join(',')}] ${line}\n`);
  }
}
