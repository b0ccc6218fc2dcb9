import { BaseRpcContext } from '@nestjs/microservices';
import type { DeliveryContext } from '../interfaces/queue-port';

/**
 * What an `@EventPattern` handler served by BullmqTransport can ask about the
 * delivery it handles (`@Ctx() context: QueueContext`): the queue, the job id,
 * the handler attempt and how often consumers lost the job before.
 */
export class QueueContext extends BaseRpcContext<[DeliveryContext]> {
  get delivery(): DeliveryContext {
    return this.args[0];
  }

  getQueue(): string {
    return this.args[0].queue;
  }

  getJobId(): string {
    return this.args[0].jobId;
  }

  /**
   * The context of a handler's `@Ctx()` argument. Nest's typed
   * `@EventPattern<Events>(...)` types every argument after the payload as
   * `unknown`; this narrows it, and refuses a handler run by another transport.
   */
  static of(context: unknown): QueueContext {
    if (context instanceof QueueContext) return context;
    throw new TypeError(`expected the QueueContext of a BullmqTransport delivery, got ${Object.prototype.toString.call(context)}`);
  }
}
