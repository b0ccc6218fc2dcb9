import { readFileSync } from 'node:fs';
import { purgeNamespace, type ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis, uniqueNamespace, waitUntil } from '@migsim/transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readControllerConfig } from '../config/controller-config';
import { AutoStartService } from './auto-start.service';
import type { RunsService } from './runs.service';

const FLAGSHIP = new URL('../../../../scenarios/failed-migration-recovery.yaml', import.meta.url).pathname;

let redis: ResolvedRedis;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** The two things AutoStartService asks of RunsService: which shards host workers serve, and creating a run. */
class FakeRuns {
  alive: string[] = [];
  readonly created: { fileName: string; text: string }[] = [];
  async shards() {
    return ['source-0', 'destination-0'].map((name) => ({ name, role: 'source', served: this.alive.includes(name), owner: null }));
  }
  async createRun(text: string, fileName: string) {
    this.created.push({ fileName, text });
    return { id: `run-${this.created.length}` };
  }
}

async function controllerStart(namespace: string, runs: FakeRuns, file = FLAGSHIP): Promise<AutoStartService> {
  const config = readControllerConfig({ REDIS_URL: redis.url, MIGSIM_NAMESPACE: namespace, MIGSIM_RUN_SCENARIO: file });
  const service = new AutoStartService(config, runs as unknown as RunsService);
  service.onApplicationBootstrap();
  return service;
}

describe('MIGSIM_RUN_SCENARIO: the scenario submitted at start-up', () => {
  it('auto-start: waits for a host worker on every shard, starts one run, and a restarted controller does not start another', async () => {
    const namespace = uniqueNamespace('auto-start');
    try {
      const runs = new FakeRuns();
      const first = await controllerStart(namespace, runs);
      runs.alive = ['source-0'];
      await new Promise((wake) => setTimeout(wake, 600));
      expect(runs.created).toEqual([]);
      runs.alive = ['source-0', 'destination-0'];
      expect(await waitUntil(() => runs.created.length === 1, 5_000)).toBe(true);
      expect(runs.created[0]).toEqual({ fileName: 'failed-migration-recovery.yaml', text: readFileSync(FLAGSHIP, 'utf8') });
      await first.onApplicationShutdown();

      // The same deployment restarted: the key in Redis says it ran.
      const second = await controllerStart(namespace, runs);
      await second.onApplicationShutdown();
      await new Promise((wake) => setTimeout(wake, 300));
      expect(runs.created).toHaveLength(1);
    } finally {
      await purgeNamespace(redis.url, namespace);
    }
  });

  it('auto-start: a controller stopped while it waits for host workers starts nothing', async () => {
    const namespace = uniqueNamespace('auto-start-stop');
    try {
      const runs = new FakeRuns();
      const service = await controllerStart(namespace, runs);
      await service.onApplicationShutdown();
      runs.alive = ['source-0', 'destination-0'];
      await new Promise((wake) => setTimeout(wake, 400));
      expect(runs.created).toEqual([]);
    } finally {
      await purgeNamespace(redis.url, namespace);
    }
  });
});
