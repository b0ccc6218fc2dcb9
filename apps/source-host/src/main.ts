import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, readSourceHostConfig } from './config/source-host-config';
import { SourceHostModule } from './host/source-host.module';

let config;
try {
  config = readSourceHostConfig(process.env, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`source-host: ${error.message}\n`);
  process.exit(2);
}
const app = await NestFactory.createApplicationContext(SourceHostModule.forRoot(config), { logger: ['error', 'warn'] });
// SIGTERM / SIGINT: Nest runs onApplicationShutdown (consumers close after their jobs, sends flush).
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
