import { Module, type DynamicModule } from '@nestjs/common';
import { messagePattern, serviceCodecs, type WireMessage } from '@migsim/protocol';
import { BullmqQueuePort, queueLayout, serviceLogger } from '@migsim/transport';
import { BullmqTransport, MigsimQueueModule } from '@migsim/transport/nest';
import { DESTINATION_HOST_CONFIG, type DestinationHostConfig } from '../config/destination-host-config';
import { DestinationHostService } from './destination-host.service';
import { DestinationMessagesController } from './destination-messages.controller';

@Module({})
export class DestinationHostModule {
  static forRoot(config: DestinationHostConfig): DynamicModule {
    const log = (line: string) => process.stderr.write(`[destination-host ${config.hosts.join(',')}] ${line}\n`);
    return {
      module: DestinationHostModule,
      imports: [MigsimQueueModule.forRoot({ redisUrl: config.redisUrl, namespace: config.namespace, codecs: serviceCodecs, service: 'destination-host', log })],
      controllers: [DestinationMessagesController],
      providers: [{ provide: DESTINATION_HOST_CONFIG, useValue: config }, DestinationHostService],
    };
  }

  /**
   * The microservice transport: every served host's page stream, several
   * handlers at once (the incoming side orders what it must, see
   * IncomingMigrations), and its command queue, one at a time.
   */
  static transport(config: DestinationHostConfig): BullmqTransport<WireMessage> {
    const layout = queueLayout(config.namespace);
    const port = new BullmqQueuePort({ url: config.redisUrl, namespace: config.namespace, codecs: serviceCodecs, logger: serviceLogger('destination-host'), consumerName: `destination-host:${config.hosts.join(',')}` });
    const queues = config.hosts.flatMap((host) => [
      { queue: layout.migrationPages(host), concurrency: config.pageConcurrency },
      { queue: layout.hostCommands(host), concurrency: 1 },
    ]);
    return new BullmqTransport({ port, queues, patternOf: messagePattern });
  }
}
