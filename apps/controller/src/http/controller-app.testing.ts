import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HostWorkerModule } from '@migsim/runtime/nest';
import { purgeNamespace, readServedShardsConfig } from '@migsim/transport';
import { uniqueNamespace } from '@migsim/transport/testing';
import { readControllerConfig, type ControllerConfig } from '../config/controller-config';
import type { MemoryView } from '../config/memory-view';
import { createControllerApp } from '../controller-app';
import { ControllerModule } from '../controller.module';
import type { EstimateModelMemory } from './model-memory-admission';

/** The flagship's scenario file, as users submit it. */
export const FLAGSHIP_PATH = new URL('../../../../scenarios/failed-migration-recovery.yaml', import.meta.url).pathname;

export interface RunningController {
  readonly url: string;
  readonly app: INestApplication;
  readonly config: ControllerConfig;
  close(): Promise<void>;
}

export interface StartControllerOptions {
  redisUrl: string;
  env?: Record<string, string>;
  memory?: MemoryView;
  estimateModelMemory: EstimateModelMemory | null;
  /** Take the shards' reports from the `coordinator` queue, as main.ts does (without it, runs wait in their first window). */
  coordinator?: boolean;
}

/**
 * The controller's HTTP application (createControllerApp, as main.ts builds
 * it) on a free loopback port, on `redisUrl` in a namespace of its own; the
 * environment is the controller's (MIGSIM_API_TOKEN, MIGSIM_MODEL_MEMORY_LIMIT, …).
 */
export async function startController(options: StartControllerOptions): Promise<RunningController> {
  const namespace = uniqueNamespace('controller-http');
  const config = readControllerConfig({ REDIS_URL: options.redisUrl, MIGSIM_NAMESPACE: namespace, ...options.env }, options.memory);
  const app = await createControllerApp(config, { estimateModelMemory: options.estimateModelMemory, logger: false });
  if (options.coordinator === true) app.connectMicroservice({ strategy: ControllerModule.transport(config) });
  await app.listen(0, '127.0.0.1');
  if (options.coordinator === true) await app.startAllMicroservices();
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    config,
    close: async () => {
      await app.close();
      await purgeNamespace(options.redisUrl, namespace);
    },
  };
}

/**
 * A host worker in this process for each shard `controller` spreads runs
 * over (libs/runtime's HostWorkerModule, as source-host and destination-host
 * run it, without the shard leases). Close them before the controller.
 */
export async function startShardWorkers(controller: RunningController): Promise<{ close(): Promise<void> }> {
  const { redisUrl, namespace, sourceShards, destinationShards } = controller.config;
  const workers: INestMicroservice[] = [];
  for (const shard of [...sourceShards, ...destinationShards]) {
    const role = sourceShards.includes(shard) ? 'source-host' : 'destination-host';
    const config = readServedShardsConfig({ REDIS_URL: redisUrl, MIGSIM_NAMESPACE: namespace }, ['--shards', shard], shard);
    const worker = await NestFactory.createMicroservice(HostWorkerModule.forRoot(role, config), { strategy: HostWorkerModule.transport(role, config), logger: false });
    await worker.listen();
    workers.push(worker);
  }
  return { close: async () => void (await Promise.all(workers.map((worker) => worker.close()))) };
}
