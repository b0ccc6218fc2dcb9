import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullmqQueuePort, ConfigError, readServedShardsConfig, RedisJournal, serviceLogger, type Env, type Outbox, type ServedShardsConfig } from '@migsim/transport';
import { BullmqTransport, MigsimQueueModule, OUTBOX, QUEUE_PORT, servedShards } from '@migsim/transport/nest';
import { shardQueue } from '../services/run-naming';
import { ShardWorker } from '../services/shard-worker';
import { runCodecs, type RunWireMessage } from '@migsim/protocol';
import { ShardMessagesController } from './shard-messages.controller';
import { SHARD_WORKERS, type ShardWorkers } from './shard-workers';

/** Journal and outbox flushed on shutdown, after the transport stopped taking messages. */
class HostWorkerLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly outbox: Outbox<RunWireMessage>,
    private readonly port: BullmqQueuePort<RunWireMessage>,
    private readonly journal: RedisJournal,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.outbox.drain(3_000);
    await Promise.race([this.port.close(), new Promise((done) => setTimeout(done, 3_000))]);
    await this.journal.close();
  }
}
Inject(OUTBOX)(HostWorkerLifecycle, undefined, 0);
Inject(QUEUE_PORT)(HostWorkerLifecycle, undefined, 1);
Inject(RedisJournal)(HostWorkerLifecycle, undefined, 2);

/**
 * A host worker process (source-host and destination-host are two names for
 * it): one ShardWorker (libs/runtime) per served shard, fed by the shard's
 * queue through BullmqTransport, answering the coordinator through the
 * outbox, journaling in Redis. Nothing here decides anything simulated.
 */
export class HostWorkerModule {
  static forRoot(role: string, config: ServedShardsConfig): DynamicModule {
    const log = (line: string) => process.stderr.write(`[${role} ${config.shards.join(',')}] ${line}\n`);
    return {
      module: HostWorkerModule,
      imports: [MigsimQueueModule.forRoot({ redisUrl: config.redisUrl, namespace: config.namespace, codecs: runCodecs, service: role, log })],
      controllers: [ShardMessagesController],
      providers: [
        { provide: RedisJournal, useFactory: () => new RedisJournal({ url: config.redisUrl, namespace: config.namespace }) },
        {
          provide: SHARD_WORKERS,
          useFactory: (outbox: Outbox<RunWireMessage>, journal: RedisJournal): ShardWorkers =>
            new Map(config.shards.map((shard) => [shard, new ShardWorker({ shard, journal, log, deliver: (queue, message, jobId) => outbox.deliver(queue, message, jobId) })])),
          inject: [OUTBOX, RedisJournal],
        },
        HostWorkerLifecycle,
      ],
    };
  }

  /** Each served shard's queue, one message at a time (a shard's windows are sequential). */
  static transport(role: string, config: ServedShardsConfig): BullmqTransport<RunWireMessage> {
    const port = new BullmqQueuePort<RunWireMessage>({
      url: config.redisUrl,
      namespace: config.namespace,
      codecs: runCodecs,
      logger: serviceLogger(role),
      consumerName: `${role}:${config.shards.join(',')}`,
      delivery: config.delivery,
    });
    return new BullmqTransport({ port, queues: config.shards.map((shard) => ({ queue: shardQueue(shard), concurrency: 1 })), patternOf: (message) => message.type });
  }
}
Module({})(HostWorkerModule);

/**
 * A host worker's `main`: reads its configuration (exit 2 with one line on a
 * bad variable), claims its shards, says `<role>: serving <shards>` on
 * stderr once it takes messages, and serves them until SIGTERM / SIGINT
 * (the transport stops taking messages, the one in hand finishes, the outbox
 * flushes, the lease is released).
 */
export async function runHostWorker(role: string, defaultShards: string, env: Env, argv: readonly string[]): Promise<void> {
  let config: ServedShardsConfig;
  try {
    config = readServedShardsConfig(env, argv, defaultShards);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${role}: ${error.message}\n`);
    process.exit(2);
  }
  const served = await servedShards(role, config, (narrowed) => HostWorkerModule.forRoot(role, narrowed));
  const app = await NestFactory.createMicroservice(served.module, { strategy: HostWorkerModule.transport(role, served.config), logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen();
  // Scripts and tests wait for this line: from here on SIGTERM stops the worker gracefully and releases its leases.
  process.stderr.write(`${role}: serving ${served.config.shards.join(',')}\n`);
}
