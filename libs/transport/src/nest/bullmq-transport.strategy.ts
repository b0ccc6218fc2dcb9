import { Server, type CustomTransportStrategy, type MessageHandler, type ReadPacket } from '@nestjs/microservices';
import { finalize, isObservable, lastValueFrom } from 'rxjs';
import { transportError } from '../errors';
import type { Consumer, DeliveryContext, QueuePort } from '../interfaces/queue-port';
import type { Envelope } from '../messages/envelope';
import { closeWithin } from '../queue/close-within';
import { QueueContext } from './queue-context';

/** `transportId` of BullmqTransport: `@EventPattern(kind, BULLMQ_TRANSPORT)` binds a handler to it alone. */
export const BULLMQ_TRANSPORT = Symbol('BULLMQ_TRANSPORT');

export interface ServedQueue {
  readonly queue: string;
  /** Handlers running at once for this queue (BullMQ worker concurrency). */
  readonly concurrency: number;
}

export interface BullmqTransportOptions<M extends Envelope> {
  /** The port the queues are consumed through; the transport owns it and closes it in `close()`. */
  port: QueuePort<M>;
  queues: readonly ServedQueue[];
  /** The `@EventPattern` a decoded message is dispatched to (e.g. a host command's `kind`). */
  patternOf: (message: M) => string;
  /** `close()` lets handlers in flight finish this long, then hands their jobs back (default 5 000 ms). */
  drainTimeoutMs?: number;
  /** `close()` gives up on the port's connections after this long, e.g. while Redis is away (default 3 000 ms). */
  portCloseTimeoutMs?: number;
}

/**
 * A Nest microservice transport over migsim's QueuePort (BullMQ on Redis).
 *
 * `listen()` consumes every configured queue; each message the codec registry
 * accepted is dispatched to the `@EventPattern(patternOf(message))` handler
 * with the message as payload and a QueueContext. All of the port's delivery
 * semantics hold (interfaces/queue-port.ts): idempotent job ids,
 * dead-lettering of malformed or unknown-version messages before any handler
 * runs, retries with backoff then the dead-letter queue for a handler that
 * throws (the job completes only once the handler's promise or stream has),
 * and stalled-job redelivery. A message no handler takes is dead-lettered at
 * once (NO_HANDLER), never retried. Only events: a `@MessagePattern`
 * (request/response) has nobody to answer over a queue and counts as no handler.
 *
 * `close()` (Nest calls it on shutdown, before `onApplicationShutdown`) stops
 * taking jobs, lets the handlers in flight finish for `drainTimeoutMs`, hands
 * back whatever is still running (redelivered after its lock lapses), then
 * closes the port.
 */
export class BullmqTransport<M extends Envelope = Envelope> extends Server implements CustomTransportStrategy {
  override transportId = BULLMQ_TRANSPORT;
  /** handleEvent below awaits the handler's stream, so a failure reaches the port's retry policy. */
  override readonly propagatesEventHandlerErrors = true;
  private readonly consumers: Consumer[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly options: BullmqTransportOptions<M>) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.consumeAll().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await closeWithin(this.consumers, this.options.drainTimeoutMs ?? 5_000);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((done) => {
        timer = setTimeout(done, this.options.portCloseTimeoutMs ?? 3_000);
      });
      await Promise.race([this.options.port.close(), late]);
      clearTimeout(timer);
    })();
    return this.closing;
  }

  /** Awaits the handler (and the stream it returns) so its failure is the job's failure. */
  override async handleEvent(pattern: string, packet: ReadPacket, context: QueueContext): Promise<void> {
    const handler = this.getHandlerByPattern(pattern);
    if (handler === null) throw transportError('NO_HANDLER', `no @EventPattern('${pattern}') handler`);
    await this.runWithProcessingHooks(context, async (runEndHook) => {
      const result: unknown = await handler(packet.data, context);
      if (isObservable(result)) await lastValueFrom(result.pipe(finalize(runEndHook)), { defaultValue: undefined });
      else runEndHook();
    });
  }

  /**
   * Patterns here are plain strings (`vm.create`, `pages.batch`), registered
   * under themselves: look them up directly. Nest's own lookup first tries
   * `JSON.parse` on every pattern (for object patterns), and the exception it
   * throws for a plain string costs more than the rest of the dispatch.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? null;
  }

  on(): never {
    throw new Error('BullmqTransport has no events to subscribe to; its consumers report through the port logger');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private async consumeAll(): Promise<void> {
    for (const { queue, concurrency } of this.options.queues) {
      this.consumers.push(await this.options.port.consume(queue, (message, delivery) => this.dispatch(message, delivery), { concurrency }));
    }
  }

  private async dispatch(message: M, delivery: DeliveryContext): Promise<void> {
    const pattern = this.options.patternOf(message);
    const handler = this.getHandlerByPattern(pattern);
    if (handler === null || !handler.isEventHandler) {
      throw transportError('NO_HANDLER', `${delivery.queue}: no @EventPattern('${pattern}') handler for ${message.type} v${message.v}`);
    }
    await this.handleEvent(pattern, { pattern, data: message }, new QueueContext([delivery]));
  }
}
