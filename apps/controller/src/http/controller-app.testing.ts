import type { INestApplication } from '@nestjs/common';
import { purgeNamespace } from '@migsim/transport';
import { uniqueNamespace } from '@migsim/transport/testing';
import { readControllerConfig } from '../config/controller-config';
import type { MemoryView } from '../config/memory-view';
import { createControllerApp } from '../controller-app';
import type { EstimateModelMemory } from './model-memory-admission';

/** The flagship's scenario file, as users submit it. */
export const FLAGSHIP_PATH = new URL('../../../../scenarios/failed-migration-recovery.yaml', import.meta.url).pathname;

export interface RunningController {
  readonly url: string;
  readonly app: INestApplication;
  close(): Promise<void>;
}

/**
 * The controller's HTTP application (createControllerApp, as main.ts builds
 * it) on a free loopback port, on `redisUrl` in a namespace of its own; the
 * environment is the controller's (MIGSIM_API_TOKEN, MIGSIM_MODEL_MEMORY_LIMIT, …).
 */
export async function startController(options: { redisUrl: string; env?: Record<string, string>; memory?: MemoryView; estimateModelMemory: EstimateModelMemory | null }): Promise<RunningController> {
  const namespace = uniqueNamespace('controller-http');
  const config = readControllerConfig({ REDIS_URL: options.redisUrl, MIGSIM_NAMESPACE: namespace, ...options.env }, options.memory);
  const app = await createControllerApp(config, { estimateModelMemory: options.estimateModelMemory, logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    close: async () => {
      await app.close();
      await purgeNamespace(options.redisUrl, namespace);
    },
  };
}
