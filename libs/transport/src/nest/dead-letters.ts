import { Inject, Injectable } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE } from '../naming/queue-layout';

/**
 * The deployment's dead-letter queue, read side: messages no consumer could
 * take wait there for an operator (nobody consumes it). The queue is
 * registered with `@nestjs/bullmq` (static name, shared connection and hash-tag
 * prefix from `BullModule.forRoot`), see MigsimQueueModule.
 */
export class DeadLetters {
  constructor(private readonly queue: Queue) {}

  /** Dead letters waiting in the queue. Rejects while Redis is unreachable. */
  count(): Promise<number> {
    return this.queue.count();
  }
}
// Decorators are applied as calls in libs/transport (see migsim-queue.module.ts).
Injectable()(DeadLetters);
Inject(getQueueToken(DEAD_LETTER_QUEUE))(DeadLetters, undefined, 0);
