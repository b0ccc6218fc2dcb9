import { readFileSync } from 'node:fs';
import type { ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FLAGSHIP_PATH, startController, type RunningController } from './controller-app.testing';
import type { EstimateModelMemory } from './model-memory-admission';

const TOKEN = 'k3y-0f-the-c0ntr0ller_2025';
const FLAGSHIP = readFileSync(FLAGSHIP_PATH, 'utf8');
/** The model-memory check is not under test here (model-memory-admission.spec.ts): every scenario fits. */
const FITS: EstimateModelMemory = () => ({ bytes: 0, detail: 'not estimated' });

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

async function controller(env: Record<string, string> = {}): Promise<RunningController> {
  const running = await startController({ redisUrl: redis.url, env, estimateModelMemory: FITS });
  started.push(running);
  return running;
}

function submit(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/runs?file=failed-migration-recovery.yaml`, { method: 'POST', body: FLAGSHIP, headers: { 'content-type': 'application/yaml', ...headers } });
}

async function runCount(url: string): Promise<number> {
  return ((await (await fetch(`${url}/runs`)).json()) as unknown[]).length;
}

describe('MIGSIM_API_TOKEN: a bearer token on every mutating request', () => {
  it('api token: POST /runs without a token is 401 with a Bearer challenge and a JSON message, and creates no run', async () => {
    const { url } = await controller({ MIGSIM_API_TOKEN: TOKEN });
    const response = await submit(url);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="migsim"');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ statusCode: 401, error: 'unauthorized', message: "POST /runs needs the controller's API token: send Authorization: Bearer <MIGSIM_API_TOKEN>" });
    expect(await runCount(url)).toBe(0);
  });

  it('api token: a wrong token, or another scheme, is 401 (invalid_token for a wrong bearer token)', async () => {
    const { url } = await controller({ MIGSIM_API_TOKEN: TOKEN });
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), 'short', TOKEN.toUpperCase()]) {
      const response = await submit(url, { authorization: `Bearer ${wrong}` });
      expect([wrong, response.status]).toEqual([wrong, 401]);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="migsim", error="invalid_token", error_description="the token does not match MIGSIM_API_TOKEN"');
      expect(((await response.json()) as { message: string }).message).toBe("POST /runs: the bearer token does not match the controller's MIGSIM_API_TOKEN");
    }
    const basic = await submit(url, { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer realm="migsim"');
    expect(await runCount(url)).toBe(0);
  });

  it('api token: the right token is accepted (any case of "Bearer"), and the run is created', async () => {
    const { url } = await controller({ MIGSIM_API_TOKEN: TOKEN });
    const response = await submit(url, { authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { status: string }).status).toBe('running');
    expect((await submit(url, { authorization: `bearer ${TOKEN}` })).status).toBe(201);
    expect(await runCount(url)).toBe(2);
  });

  it('api token: reads stay open: runs, hosts, health, metrics, the live page and its files, queue counts, the event stream, bull-board', async () => {
    const { url } = await controller({ MIGSIM_API_TOKEN: TOKEN });
    const created = (await (await submit(url, { authorization: `Bearer ${TOKEN}` })).json()) as { id: string };
    for (const path of ['/runs', `/runs/${created.id}`, `/runs/${created.id}/migrations`, `/runs/${created.id}/live`, '/shards', '/health', '/metrics', '/', '/live', '/live/live.js', '/live/queues', '/queues']) {
      const response = await fetch(`${url}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
    }
    const events = new AbortController();
    const stream = await fetch(`${url}/events`, { signal: events.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    events.abort();
  });

  it("api token: bull-board's mutating API (mounted as middleware, out of the guard's reach) needs the token too", async () => {
    const { url } = await controller({ MIGSIM_API_TOKEN: TOKEN });
    const pause = (headers: Record<string, string>) => fetch(`${url}/queues/api/queues/controller.events/pause`, { method: 'PUT', headers });
    const refused = await pause({});
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="migsim"');
    expect(((await refused.json()) as { message: string }).message).toBe("PUT /queues/api/queues/controller.events/pause needs the controller's API token: send Authorization: Bearer <MIGSIM_API_TOKEN>");
    // With the token the request reaches bull-board, which keeps its queues read-only.
    expect((await pause({ authorization: `Bearer ${TOKEN}` })).status).not.toBe(401);
  });

  it('api token: unset (or empty), nothing is asked and the controller says once at start-up that the API is unauthenticated', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let warnings: string[];
    let url: string;
    try {
      ({ url } = await controller({ MIGSIM_API_TOKEN: '' }));
      await submit(url);
      warnings = stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('MIGSIM_API_TOKEN'));
    } finally {
      stderr.mockRestore();
    }
    expect(warnings).toEqual(['[controller] MIGSIM_API_TOKEN is not set: the HTTP API is unauthenticated, anyone who reaches it can submit runs\n']);
    expect((await submit(url)).status).toBe(201);
    expect(await runCount(url)).toBe(2);
  });

  it('api token: a controller with a token says nothing about it at start-up', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await controller({ MIGSIM_API_TOKEN: TOKEN });
      expect(stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('MIGSIM_API_TOKEN'))).toEqual([]);
    } finally {
      stderr.mockRestore();
    }
  });
});
