import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { serviceLogger } from '../interfaces/service-logger';
import type { CodecRegistry } from '../messages/codec-registry';
import type { Envelope } from '../messages/envelope';
import { DEAD_LETTER_QUEUE, hashTagPrefix } from '../naming/queue-layout';
import { BullmqQueuePort } from '../queue/bullmq-queue-port';
import { Outbox } from '../queue/outbox';
import { DeadLetters } from './dead-letters';

/** The producer side of the service's queues: a BullmqQueuePort<M>. */
export const QUEUE_PORT = Symbol('QUEUE_PORT');
/** The service's Outbox<M> on QUEUE_PORT. */
export const OUTBOX = Symbol('OUTBOX');

export interface MigsimQueueOptions<M extends Envelope> {
  redisUrl: string;
  namespace: string;
  codecs: CodecRegistry<M>;
  /** Tags the port's JSON log lines (`serviceLogger`). */
  service: string;
  /** Where the outbox reports an outage and the recovery (one line each). */
  log: (line: string) => void;
  /** Bulks of a queue's lane the outbox pipelines (see Outbox); 1 keeps strict order. */
  bulksInFlight?: (queue: string) => number;
}

/**
 * What every migsim service needs to send: `BullModule.forRoot` with the
 * deployment's connection and hash-tag prefix (`{migsim:<namespace>}`), the
 * dead-letter queue registered through `@nestjs/bullmq` (DeadLetters), and
 * the producer port and Outbox as providers (QUEUE_PORT, OUTBOX). Consuming is
 * BullmqTransport's job (a microservice strategy, not a provider), because
 * which queues a process takes from is only known from its config (the
 * controller the `coordinator` queue, a host worker the `shard.<id>` queue of
 * each shard it serves or claimed).
 *
 * Sends go through the Outbox rather than a `ClientProxy`: `emit()` builds a
 * packet and an Observable per message and reports each send's failure to
 * its caller, while migsim's senders want `push()` — never failing, buffered
 * in order per queue across a Redis outage, sent in pipelined bulks — and
 * never a reply.
 *
 * Closing stays with the service (`onApplicationShutdown`: drain the outbox,
 * then close QUEUE_PORT), which runs after the transport drained its consumers.
 */
export class MigsimQueueModule {
  static forRoot<M extends Envelope>(options: MigsimQueueOptions<M>): DynamicModule {
    return {
      module: MigsimQueueModule,
      global: true,
      imports: [
        // Read-side queues only (DeadLetters): a command fails after one reconnection attempt instead of waiting out an outage.
        BullModule.forRoot({ connection: { url: options.redisUrl, maxRetriesPerRequest: 1 }, prefix: hashTagPrefix(options.namespace) }),
        BullModule.registerQueue({ name: DEAD_LETTER_QUEUE }),
      ],
      providers: [
        {
          provide: QUEUE_PORT,
          useFactory: () => new BullmqQueuePort({ url: options.redisUrl, namespace: options.namespace, codecs: options.codecs, logger: serviceLogger(options.service) }),
        },
        { provide: OUTBOX, useFactory: (port: BullmqQueuePort<M>) => new Outbox(port, options.log, undefined, options.bulksInFlight), inject: [QUEUE_PORT] },
        DeadLetters,
      ],
      exports: [QUEUE_PORT, OUTBOX, DeadLetters],
    };
  }
}

// Decorators are applied as calls in libs/transport: the services run their
// libraries from source through tsx with the app's tsconfig, which covers only
// the app's own files, so decorator syntax would not be compiled here.
Module({})(MigsimQueueModule);
