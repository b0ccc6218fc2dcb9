import { readFileSync } from 'node:fs';
import type { ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FLAGSHIP_PATH, startController, type RunningController } from './controller-app.testing';

const FLAGSHIP = readFileSync(FLAGSHIP_PATH, 'utf8');
const TOKEN = 'inject-now-token-0123456789';

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

/** A controller with a token and a submitted flagship run (no host workers: the run waits in its first window). */
async function runningFlagship(): Promise<{ url: string; run: string }> {
  const controller = await startController({ redisUrl: redis.url, env: { MIGSIM_API_TOKEN: TOKEN }, estimateModelMemory: null });
  started.push(controller);
  const response = await fetch(`${controller.url}/runs?file=failed-migration-recovery.yaml`, { method: 'POST', body: FLAGSHIP, headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(201);
  return { url: controller.url, run: ((await response.json()) as { id: string }).id };
}

function inject(url: string, run: string, body: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${url}/runs/${run}/faults`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
  });
}

describe('POST /runs/:id/faults ("inject now")', () => {
  it('takes a faults entry of the scenario file without `at` and answers with the entry as the run took it, `at` included', async () => {
    const { url, run } = await runningFlagship();
    const response = await inject(url, run, JSON.stringify({ kind: 'destination-crash', host: 'dst-1', duration: '30s', description: 'pulled the plug' }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as { run: string; fault: Record<string, unknown>; atMs: number };
    expect(body).toEqual({ run, fault: { kind: 'destination-crash', host: 'dst-1', duration: '30s', description: 'pulled the plug', at: '0s' }, atMs: 0 });
    // A link between two hosts and a cancel by migration id go in too.
    const link = await inject(url, run, JSON.stringify({ kind: 'link-down', from: 'src-1', to: 'dst-1', duration: '5s' }));
    expect(link.status, await link.clone().text()).toBe(201);
    const cancel = await inject(url, run, JSON.stringify({ kind: 'migration-cancel', migration: 'm1' }));
    expect(cancel.status, await cancel.clone().text()).toBe(201);
  });

  it('names the field and what was expected when the entry does not fit the run\'s scenario; nothing goes in', async () => {
    const { url, run } = await runningFlagship();
    const unknownHost = await inject(url, run, JSON.stringify({ kind: 'destination-crash', host: 'dst-9' }));
    expect(unknownHost.status).toBe(400);
    const problems = ((await unknownHost.json()) as { error: string; problems: string[] }).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^host: found "dst-9", expected /);

    const badKind = (await (await inject(url, run, JSON.stringify({ kind: 'meteor' }))).json()) as { problems: string[] };
    expect(badKind.problems[0]).toMatch(/^kind: found "meteor", expected /);

    const timed = (await (await inject(url, run, JSON.stringify({ kind: 'destination-crash', host: 'dst-1', at: '10s' }))).json()) as { problems: string[] };
    expect(timed.problems).toEqual(["at: not taken here (an injected fault goes in at the start of the run's next window of virtual time)"]);

    const notJson = await inject(url, run, '{kind: destination-crash');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { problems: string[] }).problems[0]).toMatch(/^body: expected JSON/);

    const notObject = (await (await inject(url, run, '[1, 2]')).json()) as { problems: string[] };
    expect(notObject.problems[0]).toMatch(/^body: expected a JSON object/);
  });

  it('is refused without the API token, and for a run that does not exist', async () => {
    const { url, run } = await runningFlagship();
    expect((await inject(url, run, JSON.stringify({ kind: 'destination-crash', host: 'dst-1' }), null)).status).toBe(401);
    expect((await inject(url, 'run-nope', JSON.stringify({ kind: 'destination-crash', host: 'dst-1' }))).status).toBe(404);
  });
});
