import { NestFactory } from '@nestjs/core';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import type { ControllerConfig } from './config/controller-config';
import { ControllerModule } from './controller.module';
import type { EstimateModelMemory } from './http/model-memory-admission';

export interface ControllerAppOptions {
  /** What a submitted scenario's models take (libs/sim's estimateModelBytes); null: submitted scenarios are not checked. */
  readonly estimateModelMemory: EstimateModelMemory | null;
  readonly logger?: LoggerService | LogLevel[] | false;
}

/** The controller's HTTP application, as main.ts serves it (tests start the same one). */
export function createControllerApp(config: ControllerConfig, options: ControllerAppOptions): Promise<INestApplication> {
  // Body parsers off: POST /runs reads YAML or JSON text itself.
  return NestFactory.create(ControllerModule.forRoot(config, options.estimateModelMemory), { bodyParser: false, forceCloseConnections: true, logger: options.logger ?? ['error', 'warn'] });
}
