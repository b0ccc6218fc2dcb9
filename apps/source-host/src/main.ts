import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { servedHosts } from '@migsim/transport/nest';
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
// All of MIGSIM_HOSTS, or with MIGSIM_CLAIM=1 one free name of them leased through Redis (replicas share their environment).
const served = await servedHosts('source-host', config, (narrowed) => SourceHostModule.forRoot(narrowed));
// A Nest microservice on BullmqTransport: the host command queues, dispatched to HostCommandsController.
const app = await NestFactory.createMicroservice(served.module, { strategy: SourceHostModule.transport(served.config), logger: ['error', 'warn'] });
// SIGTERM / SIGINT: the transport stops taking commands (those in hand finish), then onApplicationShutdown flushes sends.
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
await app.listen();
