import type { ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from './controller-app.testing';
import type { EstimateModelMemory } from './model-memory-admission';
import { MAX_BODY_BYTES } from './read-body';

/** The model-memory check is not under test here: every scenario fits. */
const FITS: EstimateModelMemory = () => ({ bytes: 0, detail: 'not estimated' });

let redis: ResolvedRedis;
let controller: RunningController;
beforeAll(async () => {
  redis = await resolveTestRedis();
  controller = await startController({ redisUrl: redis.url, estimateModelMemory: FITS });
});
afterAll(async () => {
  await controller?.close();
  await redis?.stop();
});

async function runCount(): Promise<number> {
  return ((await (await fetch(`${controller.url}/runs`)).json()) as unknown[]).length;
}

describe('request bodies over the limit', () => {
  it('a scenario over 4 MiB is a 413 with the limit, not a 500, and creates no run', async () => {
    const before = await runCount();
    const body = `# ${'x'.repeat(MAX_BODY_BYTES)}\n`;
    const response = await fetch(`${controller.url}/runs?file=huge.yaml`, { method: 'POST', body, headers: { 'content-type': 'application/yaml' } });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      statusCode: 413,
      message: `request body: found ${body.length} bytes, expected at most ${MAX_BODY_BYTES} bytes (4 MiB; a scenario declares repeated hosts and VMs with count)`,
    });
    expect(await runCount()).toBe(before);
  });

  it('without a Content-Length (chunked), the bytes themselves give it away', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controllerOfStream) {
        if (sent++ < 6) controllerOfStream.enqueue(chunk);
        else controllerOfStream.close();
      },
    });
    const response = await fetch(`${controller.url}/runs?file=huge.yaml`, { method: 'POST', body: stream, headers: { 'content-type': 'application/yaml' }, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toMatch(/^request body: found more than 4194304 bytes, expected at most 4194304 bytes/);
  });
});
