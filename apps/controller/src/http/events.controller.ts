import { Controller, Inject, Query, Sse, type MessageEvent } from '@nestjs/common';
import { filter, map, type Observable } from 'rxjs';
import { RunsService } from '../runs/runs.service';

/** `GET /events` (optionally `?run=<id>`): live run, migration, fault and recovery events as Server-Sent Events. */
@Controller()
export class EventsController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @Sse('events')
  events(@Query('run') run?: string): Observable<MessageEvent> {
    return this.runs.live.pipe(
      filter((event) => run === undefined || event.data.run === run),
      map((event) => ({ type: event.kind, data: { kind: event.kind, ...event.data } })),
    );
  }
}
