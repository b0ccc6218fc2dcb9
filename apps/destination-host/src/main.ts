import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, readDestinationHostConfig } from './config/destination-host-config';
import { DestinationHostModule } from './destination/destination-host.module';

let config;
try {
  config = readDestinationHostConfig(process.env, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`destination-host: ${error.message}\n`);
  process.exit(2);
}
const app = await NestFactory.createApplicationContext(DestinationHostModule.forRoot(config), { logger: ['error', 'warn'] });
// SIGTERM / SIGINT: consumers close after the job in hand, pending sends flush.
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
