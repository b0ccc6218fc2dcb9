import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { runCodecs, type RunWireMessage } from '@migsim/protocol';
import { coordinatorQueue } from '@migsim/runtime';
import { BullmqQueuePort, serviceLogger } from '@migsim/transport';
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
import { ESTIMATE_MODEL_MEMORY, ModelMemoryAdmission, type EstimateModelMemory } from './http/model-memory-admission';
import { OpsController } from './http/ops.controller';
import { RunsController } from './http/runs.controller';
import { AutoStartService } from './runs/auto-start.service';
import { CoordinatorMessagesController } from './runs/coordinator-messages.controller';
import { RedisProbeService } from './runs/redis-probe.service';
import { RunsService } from './runs/runs.service';

@Module({})
export class ControllerModule implements NestModule {
  constructor(
    @Inject(QUEUE_BOARD) private readonly board: QueueBoard,
    @Inject(ApiToken) private readonly token: ApiToken,
  ) {}

  /** bull-board's UI and API at /queues (read-only; QueueHealthService adds the coordinator's, every shard's and the dead-letter queue), behind the API token for anything but reads. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(bearerTokenMiddleware(this.token), this.board.router).forRoutes(QUEUE_BOARD_PATH);
  }

  /** `estimateModelMemory`: what a submitted scenario's models take (tests give a smaller world one). */
  static forRoot(config: ControllerConfig, estimateModelMemory: EstimateModelMemory | null): DynamicModule {
    return {
      module: ControllerModule,
      imports: [
        TerminusModule,
        MigsimQueueModule.forRoot({ redisUrl: config.redisUrl, namespace: config.namespace, codecs: runCodecs, service: 'controller', log: (line) => process.stderr.write(`[controller] ${line}\n`) }),
      ],
      controllers: [RunsController, EventsController, OpsController, LiveController, CoordinatorMessagesController],
      providers: [
        { provide: CONTROLLER_CONFIG, useValue: config },
        ApiToken,
        { provide: APP_GUARD, useClass: BearerTokenGuard },
        { provide: ESTIMATE_MODEL_MEMORY, useValue: estimateModelMemory },
        ModelMemoryAdmission,
        RunsService,
        RedisProbeService,
        LiveService,
        QueueHealthService,
        AutoStartService,
        { provide: QUEUE_BOARD, useFactory: createQueueBoard },
      ],
    };
  }

  /**
   * The microservice transport: the `coordinator` queue, one message at a
   * time (the window protocol journals each report before acting on it, in
   * the order they come).
   */
  static transport(config: ControllerConfig): BullmqTransport<RunWireMessage> {
    const port = new BullmqQueuePort<RunWireMessage>({
      url: config.redisUrl,
      namespace: config.namespace,
      codecs: runCodecs,
      logger: serviceLogger('controller'),
      consumerName: 'controller',
      delivery: config.delivery,
    });
    return new BullmqTransport({ port, queues: [{ queue: coordinatorQueue(), concurrency: 1 }], patternOf: (message) => message.type });
  }
}
