import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryErrorFilter } from '@migsim/transport/nest';
import type { RunFinishV1, RunStartV1, ShardInbound, WindowOpenV1 } from '@migsim/protocol';
import { SHARD_WORKERS, type ShardWorkers } from './shard-workers';

/**
 * `shard.<id>` of every shard this process serves: decoded by the run
 * codecs, handed to that shard's worker. A handler that throws is retried,
 * then dead-lettered with its reason.
 */
export class ShardMessagesController {
  constructor(private readonly workers: ShardWorkers) {}

  start(message: RunStartV1): Promise<void> {
    return this.handle(message);
  }

  open(message: WindowOpenV1): Promise<void> {
    return this.handle(message);
  }

  finish(message: RunFinishV1): Promise<void> {
    return this.handle(message);
  }

  private handle(message: ShardInbound): Promise<void> {
    const worker = this.workers.get(message.shard);
    if (worker === undefined) throw new Error(`this process does not serve shard ${message.shard}`);
    return worker.handle(message);
  }
}

// Decorators are applied as calls in libraries (the services run libraries from source through tsx with the
// app's tsconfig, which covers only the app's files; see libs/transport's migsim-queue.module.ts).
Controller()(ShardMessagesController);
UseFilters(new DeliveryErrorFilter())(ShardMessagesController);
Inject(SHARD_WORKERS)(ShardMessagesController, undefined, 0);
for (const [method, pattern] of [
  ['start', 'migsim.run-start'],
  ['open', 'migsim.window-open'],
  ['finish', 'migsim.run-finish'],
] as const) {
  const descriptor = Object.getOwnPropertyDescriptor(ShardMessagesController.prototype, method)!;
  EventPattern(pattern)(ShardMessagesController.prototype, method, descriptor);
  Payload()(ShardMessagesController.prototype, method, 0);
}
