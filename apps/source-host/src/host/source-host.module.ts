import { Module, type DynamicModule } from '@nestjs/common';
import { messagePattern, serviceCodecs, type WireMessage } from '@migsim/protocol';
import { BullmqQueuePort, queueLayout, serviceLogger } from '@migsim/transport';
import { BullmqTransport, MigsimQueueModule } from '@migsim/transport/nest';
import { SOURCE_HOST_CONFIG, type SourceHostConfig } from '../config/source-host-config';
import { HostCommandsController } from './host-commands.controller';
import { SourceHostService } from './source-host.service';

/** `migration.pages.<destination>` (libs/transport queue layout). */
const PAGE_STREAM_QUEUE_PREFIX = 'migration.pages.';
/** Page-stream bulks sent before the first reply comes: keeps Redis busy rather than waiting on round trips. */
const PAGE_STREAM_BULKS_IN_FLIGHT = 8;

@Module({})
export class SourceHostModule {
  static forRoot(config: SourceHostConfig): DynamicModule {
    const log = (line: string) => process.stderr.write(`[source-host ${config.hosts.join(',')}] ${line}\n`);
    return {
      module: SourceHostModule,
      imports: [
        MigsimQueueModule.forRoot({
          redisUrl: config.redisUrl,
          namespace: config.namespace,
          codecs: serviceCodecs,
          service: 'source-host',
          log,
          // The page stream is consumed many at a time and tolerates reordering, so its sends are pipelined; commands and events keep strict order.
          bulksInFlight: (queue) => (queue.startsWith(PAGE_STREAM_QUEUE_PREFIX) ? PAGE_STREAM_BULKS_IN_FLIGHT : 1),
        }),
      ],
      controllers: [HostCommandsController],
      providers: [{ provide: SOURCE_HOST_CONFIG, useValue: config }, SourceHostService],
    };
  }

  /** The microservice transport: every served host's command queue, one command at a time each (commands keep their order). */
  static transport(config: SourceHostConfig): BullmqTransport<WireMessage> {
    const layout = queueLayout(config.namespace);
    const port = new BullmqQueuePort({ url: config.redisUrl, namespace: config.namespace, codecs: serviceCodecs, logger: serviceLogger('source-host'), consumerName: `source-host:${config.hosts.join(',')}` });
    return new BullmqTransport({ port, queues: config.hosts.map((host) => ({ queue: layout.hostCommands(host), concurrency: 1 })), patternOf: messagePattern });
  }
}
