import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { servedHosts } from '@migsim/transport/nest';
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
// All of MIGSIM_HOSTS, or with MIGSIM_CLAIM=1 one free name of them leased through Redis (replicas share their environment).
const served = await servedHosts('destination-host', config, (narrowed) => DestinationHostModule.forRoot(narrowed));
// A Nest microservice on BullmqTransport: page streams and host commands, dispatched to DestinationMessagesController.
const app = await NestFactory.createMicroservice(served.module, { strategy: DestinationHostModule.transport(served.config), logger: ['error', 'warn'] });
// SIGTERM / SIGINT: the transport stops taking jobs (those in hand finish), then pending sends flush.
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
await app.listen();
