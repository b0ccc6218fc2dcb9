import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { messagePattern, serviceCodecs, type WireMessage } from '@migsim/protocol';
import { BullmqQueuePort, CONTROLLER_EVENTS_QUEUE, serviceLogger } from '@migsim/transport';
import { BullmqTransport, MigsimQueueModule } from '@migsim/transport/nest';
import { CONTROLLER_CONFIG, type ControllerConfig } from './config/controller-config';
import { ApiToken } from './http/api-token';
import { BearerTokenGuard } from './http/bearer-token.guard';
import { bearerTokenMiddleware } from './http/bearer-token.middleware';
import { EventsController } from './http/events.controller';
import { LiveController } from './http/live.controller';
import { LiveService } from './live/live.service';
import { createQueueBoard, QUEUE_BOARD, QUEUE_BOARD_PATH, type QueueBoard } from './live/queue-board';
import { QueueHealthService } from './live/queue-health.service';
import { OpsController } from './http/ops.controller';
import { RunsController } from './http/runs.controller';
import { AutoStartService } from './runs/auto-start.service';
import { HostEventsController } from './runs/host-events.controller';
import { RunsService } from './runs/runs.service';

/** Events of `controller.events` in hand at once (see `ControllerModule.transport`). */
const EVENT_CONCURRENCY = 8;

@Module({})
export class ControllerModule implements NestModule {
  constructor(
    @Inject(QUEUE_BOARD) private readonly board: QueueBoard,
    @Inject(ApiToken) private readonly token: ApiToken,
  ) {}

  /** bull-board's UI and API at /queues (read-only; QueueHealthService adds the queues as hosts appear), behind the API token for anything but reads. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(bearerTokenMiddleware(this.token), this.board.router).forRoutes(QUEUE_BOARD_PATH);
  }

  static forRoot(config: ControllerConfig): DynamicModule {
    return {
      module: ControllerModule,
      imports: [
        TerminusModule,
        MigsimQueueModule.forRoot({ redisUrl: config.redisUrl, namespace: config.namespace, codecs: serviceCodecs, service: 'controller', log: (line) => process.stderr.write(`[controller] ${line}\n`) }),
      ],
      controllers: [RunsController, EventsController, OpsController, LiveController, HostEventsController],
      providers: [
        { provide: CONTROLLER_CONFIG, useValue: config },
        ApiToken,
        { provide: APP_GUARD, useClass: BearerTokenGuard },
        RunsService,
        LiveService,
        QueueHealthService,
        AutoStartService,
        { provide: QUEUE_BOARD, useFactory: createQueueBoard },
      ],
    };
  }

  /**
   * The microservice transport: `controller.events`. An event is acknowledged
   * once its effect is saved; up to EVENT_CONCURRENCY events are taken at once
   * so that they share one save of the run record instead of queueing behind
   * one save each (a phase event that fires a fault must not wait behind a
   * backlog). Handlers start in queue order (BullMQ hands jobs out FIFO, and
   * `RunsService.onMessage` applies an event before its first await), so the
   * run record still sees each host's events in the order they were sent.
   */
  static transport(config: ControllerConfig): BullmqTransport<WireMessage> {
    const port = new BullmqQueuePort({ url: config.redisUrl, namespace: config.namespace, codecs: serviceCodecs, logger: serviceLogger('controller'), consumerName: 'controller' });
    return new BullmqTransport({ port, queues: [{ queue: CONTROLLER_EVENTS_QUEUE, concurrency: EVENT_CONCURRENCY }], patternOf: messagePattern });
  }
}
