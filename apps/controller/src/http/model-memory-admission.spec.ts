import { readFileSync } from 'node:fs';
import type { ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryView } from '../config/memory-view';
import { FLAGSHIP_PATH, startController, type RunningController } from './controller-app.testing';
import type { EstimateModelMemory } from './model-memory-admission';
import { estimateServicesModelMemory } from '../runs/services-model-memory';
import { loadScenario } from '@migsim/scenario';
import { estimateModelBytes } from '@migsim/sim';

const FLAGSHIP = readFileSync(FLAGSHIP_PATH, 'utf8');
/** The flagship with its VM grown to 100 TiB (its hosts too, so the scenario itself is valid). */
const HUGE_VM = FLAGSHIP.replace(/memory: 64GiB/g, 'memory: 128TiB').replace('memory: 16GiB', 'memory: 100TiB');

/** A stand-in with a known answer: 1/1024 of every VM's memory in every variant. */
const PER_MILLE: EstimateModelMemory = (scenario) => {
  const vms = scenario.variants.flatMap((variant) => variant.vms);
  return { bytes: vms.reduce((sum, vm) => sum + vm.memoryBytes / 1024, 0), detail: `${vms.length} VMs at 1/1024 of their memory` };
};

let redis: ResolvedRedis;
const started: RunningController[] = [];
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterEach(async () => {
  for (const controller of started.splice(0)) await controller.close();
});
afterAll(async () => {
  await redis?.stop();
});

async function controller(env: Record<string, string>, estimateModelMemory: EstimateModelMemory | null, memory = memoryView(32 * 2 ** 30, 0)): Promise<RunningController> {
  const running = await startController({ redisUrl: redis.url, env, memory, estimateModelMemory });
  started.push(running);
  return running;
}

function submit(url: string, text: string, file = 'failed-migration-recovery.yaml'): Promise<Response> {
  return fetch(`${url}/runs?file=${file}`, { method: 'POST', body: text, headers: { 'content-type': 'application/yaml' } });
}

async function runCount(url: string): Promise<number> {
  return ((await (await fetch(`${url}/runs`)).json()) as unknown[]).length;
}

describe('POST /runs: the model-memory estimate against what the host workers can give', () => {
  it('model memory: a scenario over MIGSIM_MODEL_MEMORY_LIMIT is 400 with the estimate, its detail and the limit, and no run starts', async () => {
    const { url } = await controller({ MIGSIM_MODEL_MEMORY_LIMIT: '1GiB' }, PER_MILLE);
    const response = await submit(url, HUGE_VM, 'huge.yaml');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string; problems: string[]; modelMemory: unknown };
    // Five variants of one 100 TiB VM, at 1/1024 each: 500 GiB.
    const message = 'huge.yaml: its models need an estimated 500.0 GiB (536870912000 B: 5 VMs at 1/1024 of their memory), more than the 1.0 GiB the host workers may give (MIGSIM_MODEL_MEMORY_LIMIT); shrink the scenario or raise MIGSIM_MODEL_MEMORY_LIMIT';
    expect(body).toEqual({ statusCode: 400, error: 'scenario too large', message, problems: [message], modelMemory: { estimateBytes: 500 * 2 ** 30, limitBytes: 2 ** 30, detail: '5 VMs at 1/1024 of their memory' } });
    expect(await runCount(url)).toBe(0);
  });

  it('model memory: by default the limit is half the memory the controller sees, and the message says so', async () => {
    const { url } = await controller({}, PER_MILLE, memoryView(64 * 2 ** 30, 0));
    // 5 x 16 GiB / 1024 = 80 MiB fits in 32 GiB.
    expect((await submit(url, FLAGSHIP)).status).toBe(201);
    const refused = await submit(url, HUGE_VM, 'huge.yaml');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/more than the 32\.0 GiB the host workers may give \(half of the controller machine's memory \(64\.0 GiB\)\)/);
    expect(await runCount(url)).toBe(1);
  });

  it('model memory: an estimate at the limit is admitted', async () => {
    const { url } = await controller({ MIGSIM_MODEL_MEMORY_LIMIT: '80MiB' }, PER_MILLE);
    expect((await submit(url, FLAGSHIP)).status).toBe(201);
  });

  it('model memory: an invalid scenario is not estimated and gets its problems, as before', async () => {
    const { url } = await controller({ MIGSIM_MODEL_MEMORY_LIMIT: '1MiB' }, () => {
      throw new Error('an invalid scenario must not be estimated');
    });
    const response = await submit(url, 'name: bad\nhorizon: soon\nhosts: []\n', 'bad.yaml');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; problems: string[] };
    expect(body.error).toBe('invalid scenario');
    expect(body.problems.some((problem) => problem.startsWith('bad.yaml: horizon'))).toBe(true);
  });

  it('model memory: a controller without an estimator checks nothing and says so once at start-up', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let url: string;
    let notices: string[];
    try {
      ({ url } = await controller({ MIGSIM_MODEL_MEMORY_LIMIT: '1MiB' }, null));
      notices = stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('model-memory'));
    } finally {
      stderr.mockRestore();
    }
    expect(notices).toEqual(['[controller] no model-memory estimator: submitted scenarios are not checked against MIGSIM_MODEL_MEMORY_LIMIT\n']);
    expect((await submit(url, HUGE_VM, 'huge.yaml')).status).toBe(201);
  });

  it('model memory: the controller\'s own estimator (libs/sim\'s, every variant at once as in a shard worker) refuses the 100 TiB VM and admits the flagship', async () => {
    const huge = loadScenario(HUGE_VM, 'huge.yaml');
    const perVariant = huge.variants.map((variant) => estimateModelBytes({ ...huge, variants: [variant] }).bytes);
    expect(estimateServicesModelMemory(huge).bytes).toBe(perVariant.reduce((sum, bytes) => sum + bytes, 0));
    expect(estimateServicesModelMemory(huge).detail).toMatch(/^5 variants at once in a worker/);
    const { url } = await controller({}, estimateServicesModelMemory, memoryView(32 * 2 ** 30, 0));
    const refused = await submit(url, HUGE_VM, 'huge.yaml');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('scenario too large');
    expect((await submit(url, FLAGSHIP)).status).toBe(201);
    expect(await runCount(url)).toBe(1);
  });
});
