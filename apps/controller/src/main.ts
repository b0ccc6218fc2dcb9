import 'reflect-metadata';
import { ConfigError, readControllerConfig } from './config/controller-config';
import { createControllerApp } from './controller-app';
import { ControllerModule } from './controller.module';

let config;
try {
  config = readControllerConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`controller: ${error.message}\n`);
  process.exit(2);
}
// No model-memory estimator yet: libs/sim's estimateModelBytes goes here once it exists (see ModelMemoryAdmission).
const app = await createControllerApp(config, { estimateModelMemory: null });
// Host events arrive through BullmqTransport (HostEventsController); runs are loaded from Redis (init) before the first is taken.
app.connectMicroservice({ strategy: ControllerModule.transport(config) });
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
await app.listen(config.port, config.host);
await app.startAllMicroservices();
const address = app.getHttpServer().address();
const port = typeof address === 'object' && address !== null ? address.port : config.port;
// The first line on stdout is the URL: scripts and tests read it.
process.stdout.write(`controller listening on http://${config.host}:${port}\n`);
