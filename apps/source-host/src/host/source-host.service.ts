import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MigrationParametersInput, SwitchoverVerification } from '@migsim/migration';
import type { HostSpec, VmSpec } from '@migsim/scenario';
import { hashName, Rng } from '@migsim/sim';
import { BullmqQueuePort, closeWithin, migrationJobId, Outbox, serviceLogger, type Consumer } from '@migsim/transport';
import { SOURCE_HOST_CONFIG, type SourceHostConfig } from '../config/source-host-config';
import { asJson, serviceCodecs, type HostCommandV1, type HostEventKind, type ServiceMessage, type WireMessage } from '@migsim/protocol';
import { HostedVm } from '../vm/hosted-vm';
import { simNowNs, type RunClock } from './sim-clock';

/** `migration.pages.<destination>` (libs/transport queue layout). */
const PAGE_STREAM_QUEUE_PREFIX = 'migration.pages.';
/** Page-stream bulks sent before the first reply comes: keeps Redis busy rather than waiting on round trips. */
const PAGE_STREAM_BULKS_IN_FLIGHT = 8;

interface VmCreateBody {
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

interface MigrationBody {
  variant: string;
  vm: string;
  migration: string;
  attempt: number;
}

/**
 * The source-host process: serves the command queue of every simulated host
 * it was given, holds their VMs (GuestVm + VmMmu), runs the source side of
 * each migration on the scaled clock, and reports phases, outcomes,
 * recoveries and finally each VM's report to the controller.
 */
@Injectable()
export class SourceHostService implements OnModuleInit, OnApplicationShutdown {
  private readonly port: BullmqQueuePort<WireMessage>;
  private readonly outbox: Outbox<WireMessage>;
  private readonly consumers: Consumer[] = [];
  private readonly vms = new Map<string, { vm: HostedVm; clock: RunClock; run: string; variant: string; host: string }>();
  private readonly incarnation = Date.now();
  private eventSeq = 0;
  private loop: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(@Inject(SOURCE_HOST_CONFIG) private readonly config: SourceHostConfig) {
    this.port = new BullmqQueuePort({ url: config.redisUrl, namespace: config.namespace, codecs: serviceCodecs, logger: serviceLogger('source-host'), consumerName: `source-host:${config.hosts.join(',')}` });
    // The page stream is consumed many at a time and tolerates reordering, so its sends are pipelined; commands and events keep strict order.
    this.outbox = new Outbox(this.port, (line) => this.log(line), undefined, (queue) => (queue.startsWith(PAGE_STREAM_QUEUE_PREFIX) ? PAGE_STREAM_BULKS_IN_FLIGHT : 1));
  }

  async onModuleInit(): Promise<void> {
    for (const host of this.config.hosts) {
      this.consumers.push(await this.port.consume(this.port.layout.hostCommands(host), (message) => this.handle(message), { concurrency: 1 }));
    }
    this.loop = setInterval(() => this.tick(), this.config.tickMs);
    this.heartbeat = setInterval(() => this.beat(), this.config.heartbeatMs);
    this.beat();
    this.log(`serving hosts ${this.config.hosts.join(', ')} in namespace ${this.config.namespace}`);
  }

  /** SIGTERM: stop taking commands (handlers in flight finish), flush what is queued for Redis, close. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.loop);
    clearInterval(this.heartbeat);
    // Jobs in hand finish; if Redis is away and they cannot be acknowledged in time, they are handed back (redelivered after the lock lapses).
    await closeWithin(this.consumers, 5_000);
    await this.outbox.drain(3_000);
    await Promise.race([this.port.close(), new Promise((done) => setTimeout(done, 3_000))]);
    this.log('stopped');
  }

  private async handle(message: WireMessage): Promise<void> {
    if (message.type !== 'migsim.host-command') throw new Error(`unexpected ${message.type} on a host command queue`);
    this.command(message);
  }

  private command(message: HostCommandV1): void {
    const body = message.body as unknown;
    switch (message.kind) {
      case 'vm.create':
        return this.createVm(message.run, message.host, body as VmCreateBody);
      case 'migration.start': {
        const start = body as MigrationBody & { destination: HostSpec; params: MigrationParametersInput; linkBytesPerSec: number; atNs: number };
        const entry = this.vmFor(message.run, start);
        if (entry === undefined) throw new Error(`migration.start ${start.migration}: no VM ${start.vm} of ${message.run}/${start.variant} on ${message.host}`);
        entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
        entry.vm.startMigration({ ...start, atNs: Math.max(start.atNs, entry.vm.simulatedUntilNs) });
        return;
      }
      case 'migration.fault': {
        const fault = body as MigrationBody & { kind: 'connection-lost' | 'destination-crash' | 'source-error'; reason: string };
        const entry = this.vmFor(message.run, fault);
        const active = entry?.vm.activeMigration();
        if (entry === undefined || active === null || active === undefined || active.id !== fault.migration || active.attempt !== fault.attempt) return;
        entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
        entry.vm.fault(fault.kind, fault.reason);
        return;
      }
      case 'migration.cancel': {
        const cancel = body as MigrationBody;
        const entry = this.vmFor(message.run, cancel);
        if (entry === undefined) return;
        entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
        entry.vm.cancel();
        return;
      }
      case 'migration.destination-answer': {
        const answer = body as MigrationBody & { verification: SwitchoverVerification };
        const entry = this.vmFor(message.run, answer);
        if (entry === undefined) return;
        entry.vm.advanceTo(simNowNs(entry.clock, Date.now()));
        entry.vm.destinationAnswer(answer.migration, answer.attempt, answer.verification);
        return;
      }
      case 'variant.finish':
        return this.finishVariant(message.run, message.host, body as { variant: string });
      case 'migration.drop':
        return;
    }
  }

  private createVm(run: string, host: string, body: VmCreateBody): void {
    const key = `${run}/${body.variant}/${body.vm.name}`;
    if (this.vms.has(key)) return;
    const rng = new Rng(body.seed).fork(`variant:${body.variant}`).fork(`vm:${body.vm.name}`);
    const variant = body.variant;
    const vm = new HostedVm(key, body.vm, body.host, rng, body.horizonNs, body.samplingNs, body.watchFractions, {
      stream: (destination, migration, attempt, kind, seq, streamBody) => {
        const migrationKey = `${variant}/${migration}`;
        // Control messages say who to answer; batches are the libs/migration PageBatch as is.
        const payload = kind === 'batch' ? streamBody : { ...(streamBody as object), source: vm.host, vm: body.vm.name };
        const message: ServiceMessage = { v: 1, type: 'migsim.page-stream', run, migration: migrationKey, attempt, seq, kind, body: asJson(payload) };
        this.outbox.push(this.port.layout.migrationPages(destination), message, migrationJobId({ run, migration: migrationKey, attempt, seq }));
      },
      event: (kind, eventBody) => this.event(run, vm.host, kind, { variant, vm: body.vm.name, ...(eventBody as object) }),
    });
    this.vms.set(key, { vm, clock: { epochMs: body.epochMs, speed: body.speed }, run, variant, host });
    this.log(`${key}: VM created on ${host} (${body.vm.memoryBytes / 2 ** 30} GiB, ${body.host.kernel.recovery})`);
  }

  private finishVariant(run: string, host: string, body: { variant: string }): void {
    for (const [key, entry] of this.vms) {
      if (entry.run !== run || entry.variant !== body.variant || entry.host !== host) continue;
      entry.vm.advanceTo(Infinity);
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
