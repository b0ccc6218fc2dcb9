import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's own error back to BullmqTransport. Nest's default RPC
 * filter replaces any error that is not an RpcException with
 * `{ status: 'error', message: 'Internal server error' }`, so a message that
 * failed every attempt would be dead-lettered without its reason. Put it on
 * every controller the transport serves: `@UseFilters(new DeliveryErrorFilter())`.
 */
export class DeliveryErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
// Decorators are applied as calls in libs/transport (see migsim-queue.module.ts).
Catch()(DeliveryErrorFilter);
