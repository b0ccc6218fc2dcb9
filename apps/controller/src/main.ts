import 'reflect-metadata';
import { ConfigError, readControllerConfig } from './config/controller-config';
import { createControllerApp } from './controller-app';
import { ControllerModule } from './controller.module';
import { estimateServicesModelMemory } from './runs/services-model-memory';

let config;
try {
  config = readControllerConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`controller: ${error.message}\n`);
  process.exit(2);
}
const app = await createControllerApp(config, { estimateModelMemory: estimateServicesModelMemory });
// Shards' reports arrive through BullmqTransport (CoordinatorMessagesController); runs are loaded from Redis (init) before the first is taken.
app.connectMicroservice({ strategy: ControllerModule.transport(config) });
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
await app.listen(config.port, config.host);
await app.startAllMicroservices();
const address = app.getHttpServer().address();
const port = typeof address === 'object' && address !== null ? address.port : config.port;
// The first line on stdout is the URL: scripts and tests read it.
process.stdout.write(`controller listening on http://${config.host}:${port}\n`);
