import { BullmqQueuePort, checks, CodecRegistry, defineCodec, migrationJobId, type DeadLetterMessageV1, type Envelope } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import type { ResolvedRedis } from '@migsim/transport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { e2eScenario } from './support/e2e-scenarios';
import { ServicesStack } from './support/services-stack';

/** A host command from a newer migsim: the services only know v1. */
interface HostCommandV2 extends Envelope<'migsim.host-command', 2> {
  readonly run: string;
  readonly target: string;
}
/** A v1 host command with its `kind` and `body` missing: malformed for the services' codec. */
interface TruncatedHostCommandV1 extends Envelope<'migsim.host-command', 1> {
  readonly run: string;
}

const rogueCodecs = CodecRegistry.empty()
  .register(defineCodec<HostCommandV2>('migsim.host-command', 2, { run: checks.string, target: checks.string }))
  .register(defineCodec<TruncatedHostCommandV1>('migsim.host-command', 1, { run: checks.string }));

let redis: ResolvedRedis;
let stack: ServicesStack | undefined;
let rogue: BullmqQueuePort<HostCommandV2 | TruncatedHostCommandV1> | undefined;

beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterEach(async () => {
  await rogue?.close();
  rogue = undefined;
  await stack?.stop();
  stack = undefined;
});
afterAll(async () => {
  await redis?.stop();
});

describe('services: a malformed job and an unknown message version', () => {
  it('are rejected with a logged error and dead-lettered, and the source host keeps serving', async () => {
    stack = new ServicesStack({ redisUrl: redis.url, label: 'rejected', speed: 20 });
    await stack.start();
    rogue = new BullmqQueuePort({ url: redis.url, namespace: stack.namespace, codecs: rogueCodecs });
    const queue = rogue.layout.hostCommands('src-1');
    await rogue.send(queue, { v: 2, type: 'migsim.host-command', run: 'r', target: 'src-1' }, { jobId: migrationJobId({ run: 'rogue', migration: 'v2', attempt: 0, seq: 0 }) });
    await rogue.send(queue, { v: 1, type: 'migsim.host-command', run: 'r' }, { jobId: migrationJobId({ run: 'rogue', migration: 'truncated', attempt: 0, seq: 0 }) });

    const letters: DeadLetterMessageV1[] = [];
    await rogue.consume(rogue.layout.deadLetter, async (message) => {
      if (message.type === 'transport.dead-letter') letters.push(message);
    }, { concurrency: 1 });
    await stack.until(async () => letters.length >= 2, 20_000, 'two dead letters');

    expect(letters.map((letter) => letter.code).sort()).toEqual(['MESSAGE_MALFORMED', 'MESSAGE_UNKNOWN_VERSION']);
    expect(letters.every((letter) => letter.sourceQueue === queue && letter.attempts === 0)).toBe(true);
    expect(letters.find((letter) => letter.code === 'MESSAGE_UNKNOWN_VERSION')?.reason).toMatch(/migsim\.host-command v2 is not a known version/);
    const errors = stack.source.log.split('\n').filter((line) => line.includes('"level":"error"') && line.includes('message dead-lettered'));
    expect(errors).toHaveLength(2);

    // Still serving: a whole migration through the same source host completes, followed live over SSE.
    const live = collectEvents(`${stack.url}/events`);
    const id = await stack.submit(e2eScenario({ name: 'e2e-after-rejects', horizonS: 30, dirtyRate: '25MB/s', recovery: 'zap-rmap', migrationAtS: 1 }));
    const run = await stack.waitForRun(id);
    expect(run.status, stack.logs()).toBe('completed');
    expect(run.variants[0]!.migrations[0]!.outcome).toBe('completed');
    expect(stack.source.running).toBe(true);
    await stack.until(async () => live.kinds.includes('run-completed'), 5_000, 'the run-completed event');
    live.stop();
    expect(live.kinds).toEqual(expect.arrayContaining(['run-created', 'migration-started', 'phase', 'destination-verified', 'migration-completed', 'run-completed']));
  });
});

describe('controller HTTP API', () => {
  it('answers a bad scenario with 400 and its problem lines; serves /health and /metrics', async () => {
    stack = new ServicesStack({ redisUrl: redis.url, label: 'http-api', speed: 20 });
    await stack.startController();
    const response = await fetch(`${stack.url}/runs?file=bad.yaml`, { method: 'POST', body: 'name: bad\nhorizon: soon\nhosts: []\n' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: string[] };
    expect(body.problems.some((line) => /^bad\.yaml: horizon: found "soon"/.test(line))).toBe(true);

    const health = (await stack.get('/health')) as { status: string; details: { redis: { status: string } } };
    expect(health).toMatchObject({ status: 'ok', details: { redis: { status: 'up' } } });
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^migsim_redis_up 1$/m);
    expect(metrics).toMatch(/# TYPE migsim_host_commands_sent_total counter/);
  });
});

/** Reads an SSE stream in the background and keeps the event kinds, in order. */
function collectEvents(url: string): { kinds: string[]; stop: () => void } {
  const kinds: string[] = [];
  const abort = new AbortController();
  void (async () => {
    try {
      const response = await fetch(url, { signal: abort.signal });
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        for (const match of decoder.decode(chunk, { stream: true }).matchAll(/^event: (\S+)$/gm)) kinds.push(match[1]!);
      }
    } catch {
      // aborted
    }
  })();
  return { kinds, stop: () => abort.abort() };
}
