import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CONTROLLER_CONFIG, type ControllerConfig } from './config/controller-config';
import { EventsController } from './http/events.controller';
import { OpsController } from './http/ops.controller';
import { RunsController } from './http/runs.controller';
import { RunsService } from './runs/runs.service';

@Module({})
export class ControllerModule {
  static forRoot(config: ControllerConfig): DynamicModule {
    return {
      module: ControllerModule,
      imports: [TerminusModule],
      controllers: [RunsController, EventsController, OpsController],
      providers: [{ provide: CONTROLLER_CONFIG, useValue: config }, RunsService],
    };
  }
}
