import { Controller, Inject, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { pageStreamPattern as pages, type HostCommandEvents, type HostCommandV1, type PageStreamEvents, type PageStreamV1 } from '@migsim/protocol';
import { DeliveryErrorFilter, QueueContext } from '@migsim/transport/nest';
import { DestinationHostService } from './destination-host.service';

/** `migration.pages.<host>` (libs/transport queue layout): the host a page stream is for is in its queue's name. */
const PAGE_STREAM_QUEUE_PREFIX = 'migration.pages.';

/**
 * The destination host's queues, one handler per message kind
 * (BullmqTransport dispatches by kind): every served host's page stream
 * (`pages.*`) and its command queue, where only `migration.drop` is meant for
 * a destination; any other command is dead-lettered as NO_HANDLER.
 */
@Controller()
@UseFilters(new DeliveryErrorFilter())
export class DestinationMessagesController {
  constructor(@Inject(DestinationHostService) private readonly destination: DestinationHostService) {}

  @EventPattern<PageStreamEvents>(pages('prepare'))
  prepare(@Payload() message: PageStreamV1, @Ctx() context: unknown): void {
    this.destination.prepare(hostOf(context), message);
  }

  @EventPattern<PageStreamEvents>(pages('batch'))
  receive(@Payload() message: PageStreamV1, @Ctx() context: unknown): void {
    this.destination.receive(hostOf(context), message);
  }

  @EventPattern<PageStreamEvents>(pages('resume'))
  resume(@Payload() message: PageStreamV1, @Ctx() context: unknown): void {
    this.destination.resume(hostOf(context), message);
  }

  @EventPattern<PageStreamEvents>(pages('discard'))
  discard(@Payload() message: PageStreamV1, @Ctx() context: unknown): void {
    this.destination.discard(hostOf(context), message);
  }

  @EventPattern<HostCommandEvents>('migration.drop')
  drop(@Payload() command: HostCommandV1): void {
    this.destination.drop(command);
  }
}

function hostOf(context: unknown): string {
  const queue = QueueContext.of(context).getQueue();
  if (!queue.startsWith(PAGE_STREAM_QUEUE_PREFIX)) throw new Error(`a page-stream message on ${queue}, not on a page stream`);
  return queue.slice(PAGE_STREAM_QUEUE_PREFIX.length);
}
