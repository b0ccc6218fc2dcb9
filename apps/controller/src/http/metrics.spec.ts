import { PrivateRedisServer } from '@migsim/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { startController, type RunningController } from './controller-app.testing';

let redis: PrivateRedisServer | undefined;
let controller: RunningController | undefined;
afterEach(async () => {
  await controller?.close();
  controller = undefined;
  await redis?.stop();
  redis = undefined;
});

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('GET /metrics', () => {
  it('metrics: migsim_redis_up follows Redis with nobody calling /health: 1 at start, 0 while Redis is down, 1 once it is back', async () => {
    // A Redis of our own (never a shared one): this test kills it.
    redis = new PrivateRedisServer({ env: process.env });
    await redis.start();
    controller = await startController({ redisUrl: redis.url, estimateModelMemory: null });
    const url = controller.url;
    expect(await scrape(url)).toMatch(/^migsim_redis_up 1$/m);

    await redis.kill();
    await expect.poll(() => scrape(url), { timeout: 15_000, interval: 200 }).toMatch(/^migsim_redis_up 0$/m);
    await redis.restart();
    await expect.poll(() => scrape(url), { timeout: 15_000, interval: 200 }).toMatch(/^migsim_redis_up 1$/m);
  }, 60_000);
});
