import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DestinationOutput, DestinationPrepare, PageBatch, SwitchoverCheck } from '@migsim/migration';
import { BullmqQueuePort, closeWithin, migrationJobId, Outbox, serviceLogger, type Consumer } from '@migsim/transport';
import { DESTINATION_HOST_CONFIG, type DestinationHostConfig } from '../config/destination-host-config';
import { asJson, serviceCodecs, type HostEventKind, type PageStreamV1, type ServiceMessage, type WireMessage } from '@migsim/protocol';
import { IncomingMigrations } from './incoming-migrations';

/**
 * The destination-host process: consumes each of its hosts' page stream
 * (several handlers at once; MigrationDestination tolerates reordering), keeps page
 * versions per incoming migration, verifies memory when the source asks it
 * to resume the VM, answers the source and reports to the controller, and
 * drops a half-received VM when the migration fails.
 */
@Injectable()
export class DestinationHostService implements OnModuleInit, OnApplicationShutdown {
  private readonly port: BullmqQueuePort<WireMessage>;
  private readonly outbox: Outbox<WireMessage>;
  private readonly consumers: Consumer[] = [];
  private readonly incoming = new IncomingMigrations();
  private readonly incarnation = Date.now();
  private eventSeq = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  batchesApplied = 0;

  constructor(@Inject(DESTINATION_HOST_CONFIG) private readonly config: DestinationHostConfig) {
    this.port = new BullmqQueuePort({ url: config.redisUrl, namespace: config.namespace, codecs: serviceCodecs, logger: serviceLogger('destination-host'), consumerName: `destination-host:${config.hosts.join(',')}` });
    this.outbox = new Outbox(this.port, (line) => this.log(line));
  }

  async onModuleInit(): Promise<void> {
    for (const host of this.config.hosts) {
      // Several handlers at once: the incoming side orders what it must (see IncomingMigrations).
      this.consumers.push(await this.port.consume(this.port.layout.migrationPages(host), (message) => this.onStream(host, message), { concurrency: this.config.pageConcurrency }));
      this.consumers.push(await this.port.consume(this.port.layout.hostCommands(host), (message) => this.onCommand(host, message), { concurrency: 1 }));
    }
    this.heartbeat = setInterval(() => this.beat(), this.config.heartbeatMs);
    this.beat();
    this.log(`serving hosts ${this.config.hosts.join(', ')} in namespace ${this.config.namespace}`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    // Jobs in hand finish; if Redis is away and they cannot be acknowledged in time, they are handed back (redelivered after the lock lapses).
    await closeWithin(this.consumers, 5_000);
    await this.outbox.drain(3_000);
    await Promise.race([this.port.close(), new Promise((done) => setTimeout(done, 3_000))]);
    this.log('stopped');
  }

  private async onStream(host: string, message: WireMessage): Promise<void> {
    if (message.type !== 'migsim.page-stream') throw new Error(`unexpected ${message.type} on a page stream`);
    const key = `${message.run}/${message.migration}#${message.attempt}`;
    switch (message.kind) {
      case 'prepare':
        this.route(host, message, this.incoming.prepare(key, message.body as unknown as DestinationPrepare));
        return;
      case 'batch':
        this.batchesApplied++;
        this.route(host, message, this.incoming.receive(key, message.body as unknown as PageBatch));
        return;
      case 'resume':
        this.route(host, message, this.incoming.resume(key, (message.body as unknown as { check: SwitchoverCheck }).check));
        return;
      case 'discard':
        if (this.incoming.drop(key)) this.event(message.run, host, 'destination.dropped', { migration: message.migration, attempt: message.attempt, reason: 'discarded by the source' });
        return;
    }
  }

  private async onCommand(host: string, message: WireMessage): Promise<void> {
    if (message.type !== 'migsim.host-command') throw new Error(`unexpected ${message.type} on a host command queue`);
    if (message.kind !== 'migration.drop') return;
    // A simulated crash of this host in one run variant: every half-received VM of it is gone.
    const { variant } = message.body as { variant: string };
    for (const key of this.incoming.dropWhere(`${message.run}/${variant}/`)) {
      this.event(message.run, host, 'destination.dropped', { migration: key, reason: 'host crashed (fault)' });
    }
  }

  private route(host: string, message: PageStreamV1, outputs: readonly DestinationOutput[]): void {
    const control = message.body as { source?: string; vm?: string };
    for (const output of outputs) {
      if (output.type !== 'resumed' && output.type !== 'completed') continue;
      const [variant, migration] = splitMigrationKey(message.migration);
      const verification = output.verification;
      this.event(message.run, host, 'destination.verified', { variant, migration, attempt: message.attempt, verification });
      const source = control.source;
      if (source === undefined || control.vm === undefined) continue;
      const answer: ServiceMessage = {
        v: 1,
        type: 'migsim.host-command',
        run: message.run,
        host: source,
        kind: 'migration.destination-answer',
        body: asJson({ variant, vm: control.vm, migration, attempt: message.attempt, verification }),
      };
      this.outbox.push(this.port.layout.hostCommands(source), answer, migrationJobId({ run: message.run, migration: `${message.migration}/answer`, attempt: message.attempt, seq: message.seq }));
    }
  }

  private beat(): void {
    for (const host of this.config.hosts) this.event('heartbeats', host, 'host.heartbeat', { role: 'destination', incoming: this.incoming.size, pendingSends: this.outbox.pending });
  }

  private event(run: string, host: string, kind: HostEventKind, body: unknown): void {
    const message: ServiceMessage = { v: 1, type: 'migsim.host-event', run, host, kind, body: asJson(body) };
    this.outbox.push(this.port.layout.controllerEvents, message, migrationJobId({ run, migration: `destination:${this.config.hosts.join(',')}`, attempt: this.incarnation, seq: this.eventSeq++ }));
  }

  private log(line: string): void {
    process.stderr.write(`[destination-host ${this.config.hosts.join(',')}] ${line}\n`);
  }
}

/** `<variant>/<migration id>` -> [variant, migration id] (migration ids may contain `/`). */
function splitMigrationKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
