import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DestinationOutput, DestinationPrepare, PageBatch, SwitchoverCheck } from '@migsim/migration';
import { migrationJobId, type BullmqQueuePort, type Outbox } from '@migsim/transport';
import { OUTBOX, QUEUE_PORT } from '@migsim/transport/nest';
import { DESTINATION_HOST_CONFIG, type DestinationHostConfig } from '../config/destination-host-config';
import { asJson, type HostCommandV1, type HostEventKind, type PageStreamV1, type ServiceMessage, type WireMessage } from '@migsim/protocol';
import { IncomingMigrations } from './incoming-migrations';

/**
 * The destination-host process: takes each of its hosts' page stream
 * (DestinationMessagesController, several handlers at once;
 * MigrationDestination tolerates reordering), keeps page
 * versions per incoming migration, verifies memory when the source asks it
 * to resume the VM, answers the source and reports to the controller, and
 * drops a half-received VM when the migration fails.
 */
@Injectable()
export class DestinationHostService implements OnModuleInit, OnApplicationShutdown {
  private readonly incoming = new IncomingMigrations();
  /**
   * Who asked each incoming migration to resume (its `resume` message: source
   * host, VM, sequence number). The check completes when the last batch it
   * counts arrives, which may be after the `resume` (handlers run several at
   * once, and a Redis outage hands jobs back out of order): the answer then
   * goes out while handling that batch, to the source the `resume` named.
   */
  private readonly resumeRequests = new Map<string, { source: string; vm: string; seq: number }>();
  private readonly incarnation = Date.now();
  private eventSeq = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  batchesApplied = 0;

  constructor(
    @Inject(DESTINATION_HOST_CONFIG) private readonly config: DestinationHostConfig,
    @Inject(QUEUE_PORT) private readonly port: BullmqQueuePort<WireMessage>,
    @Inject(OUTBOX) private readonly outbox: Outbox<WireMessage>,
  ) {}

  onModuleInit(): void {
    this.heartbeat = setInterval(() => this.beat(), this.config.heartbeatMs);
    this.beat();
    this.log(`serving hosts ${this.config.hosts.join(', ')} in namespace ${this.config.namespace}`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    // The transport has stopped taking jobs by now (those in hand finished or were handed back): flush what is queued for Redis.
    await this.outbox.drain(3_000);
    await Promise.race([this.port.close(), new Promise((done) => setTimeout(done, 3_000))]);
    this.log('stopped');
  }

  /** `prepare`: the incoming side of a migration is created (with whatever arrived before it). */
  prepare(host: string, message: PageStreamV1): void {
    this.route(host, message, this.incoming.prepare(incomingKey(message), message.body as unknown as DestinationPrepare));
  }

  receive(host: string, message: PageStreamV1): void {
    this.batchesApplied++;
    this.route(host, message, this.incoming.receive(incomingKey(message), message.body as unknown as PageBatch));
  }

  resume(host: string, message: PageStreamV1): void {
    const body = message.body as unknown as { check: SwitchoverCheck; source?: string; vm?: string };
    if (body.source !== undefined && body.vm !== undefined) this.resumeRequests.set(incomingKey(message), { source: body.source, vm: body.vm, seq: message.seq });
    this.route(host, message, this.incoming.resume(incomingKey(message), body.check));
  }

  discard(host: string, message: PageStreamV1): void {
    this.resumeRequests.delete(incomingKey(message));
    if (this.incoming.drop(incomingKey(message))) this.event(message.run, host, 'destination.dropped', { migration: message.migration, attempt: message.attempt, reason: 'discarded by the source' });
  }

  /** A simulated crash of this host in one run variant: every half-received VM of it is gone. */
  drop(command: HostCommandV1): void {
    const { variant } = command.body as { variant: string };
    for (const key of this.incoming.dropWhere(`${command.run}/${variant}/`)) {
      this.resumeRequests.delete(key);
      this.event(command.run, command.host, 'destination.dropped', { migration: key, reason: 'host crashed (fault)' });
    }
  }

  private route(host: string, message: PageStreamV1, outputs: readonly DestinationOutput[]): void {
    for (const output of outputs) {
      if (output.type !== 'resumed' && output.type !== 'completed') continue;
      const [variant, migration] = splitMigrationKey(message.migration);
      const verification = output.verification;
      this.event(message.run, host, 'destination.verified', { variant, migration, attempt: message.attempt, verification });
      const request = this.resumeRequests.get(incomingKey(message));
      if (request === undefined) continue;
      this.resumeRequests.delete(incomingKey(message));
      const answer: ServiceMessage = {
        v: 1,
        type: 'migsim.host-command',
        run: message.run,
        host: request.source,
        kind: 'migration.destination-answer',
        body: asJson({ variant, vm: request.vm, migration, attempt: message.attempt, verification }),
      };
      // Keyed by the resume's sequence number, whichever message completed the check: a redelivery is a no-op.
      this.outbox.push(this.port.layout.hostCommands(request.source), answer, migrationJobId({ run: message.run, migration: `${message.migration}/answer`, attempt: message.attempt, seq: request.seq }));
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

/** `<run>/<variant>/<migration id>#<attempt>`: the IncomingMigrations key of a page-stream message. */
function incomingKey(message: PageStreamV1): string {
  return `${message.run}/${message.migration}#${message.attempt}`;
}

/** `<variant>/<migration id>` -> [variant, migration id] (migration ids may contain `/`). */
function splitMigrationKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
