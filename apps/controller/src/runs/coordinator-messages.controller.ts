import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RunFactsV1, WindowDoneV1 } from '@migsim/protocol';
import { DeliveryErrorFilter } from '@migsim/transport/nest';
import { RunsService } from './runs.service';

/**
 * The `coordinator` queue: each shard's window reports and, at the horizon,
 * its facts, decoded by the run codecs and handed to the runs' coordinator.
 */
@Controller()
@UseFilters(new DeliveryErrorFilter())
export class CoordinatorMessagesController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @EventPattern('migsim.window-done')
  windowDone(@Payload() message: WindowDoneV1): Promise<void> {
    return this.runs.onMessage(message);
  }

  @EventPattern('migsim.run-facts')
  facts(@Payload() message: RunFactsV1): Promise<void> {
    return this.runs.onMessage(message);
  }
}
