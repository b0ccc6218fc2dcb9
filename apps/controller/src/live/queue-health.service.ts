import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { coordinatorQueue, shardQueue } from '@migsim/runtime';
import { queueLayout, QueueWatch, type QueueCounts } from '@migsim/transport';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller-config';
import { QUEUE_BOARD, type QueueBoard } from './queue-board';

/** How often the watched set is refreshed. */
const REFRESH_MS = 1_000;

export interface QueueHealth {
  queues: QueueCounts[];
  /** Jobs in the dead-letter queue: messages no consumer could take. */
  deadLettered: number;
}

/**
 * Queue health for operators: the coordinator's queue, each shard's queue
 * and the dead-letter queue. Read-only: job counts for the live page's
 * panel, and the same queues in bull-board at `/queues`.
 */
@Injectable()
export class QueueHealthService implements OnModuleInit, OnApplicationShutdown {
  private readonly watch: QueueWatch;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(QUEUE_BOARD) private readonly board: QueueBoard,
  ) {
    this.watch = new QueueWatch({ url: config.redisUrl, namespace: config.namespace });
  }

  onModuleInit(): void {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.watch.close();
  }

  async health(): Promise<QueueHealth> {
    this.refresh();
    const queues = await this.watch.counts();
    const deadLetter = queues.find((entry) => entry.queue === queueLayout(this.config.namespace).deadLetter);
    const deadLettered = deadLetter === undefined ? 0 : deadLetter.waiting + deadLetter.active + deadLetter.delayed + deadLetter.prioritized + deadLetter.completed + deadLetter.failed;
    return { queues, deadLettered };
  }

  private refresh(): void {
    const layout = queueLayout(this.config.namespace);
    const names = [coordinatorQueue(), ...[...this.config.sourceShards, ...this.config.destinationShards].map(shardQueue), layout.deadLetter];
    for (const name of this.watch.watch(names)) this.board.addQueue(this.watch.boardAdapter(name));
  }
}
