import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { HOST_EVENT_KINDS, type HostEventV1 } from '@migsim/protocol';
import { DeliveryErrorFilter } from '@migsim/transport/nest';
import { RunsService } from './runs.service';

/**
 * `controller.events`: every kind of host event, dispatched by BullmqTransport
 * (one at a time: a run's events keep their order). RunsService tells the
 * kinds apart, as the run driver's state machine does. A handler that throws
 * (e.g. the run could not be saved while Redis is away) is retried, then
 * dead-lettered with its reason.
 */
@Controller()
@UseFilters(new DeliveryErrorFilter())
export class HostEventsController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @EventPattern([...HOST_EVENT_KINDS])
  onHostEvent(@Payload() event: HostEventV1): Promise<void> {
    return this.runs.onMessage(event);
  }
}
