import { coordinatorQueue, shardQueue } from '@migsim/runtime';
import { BullmqQueuePort, checks, CodecRegistry, defineCodec, transportCodecs, type DeadLetterMessageV1, type Envelope } from '@migsim/transport';
import { describe, expect, it } from 'vitest';
import { FAST_TAKEOVER_ENV, midRun } from './support/fault-runs';
import { engineReportText, expectSameReport, shippedScenario } from './support/same-report';
import { servicesStackPerTest } from './support/services-stack-per-test';

/** A window-open from a newer migsim: the services know v1 only. */
interface WindowOpenV2 extends Envelope<'migsim.window-open', 2> {
  readonly run: string;
  readonly shard: string;
}
/** A window-done from a newer migsim. */
interface WindowDoneV2 extends Envelope<'migsim.window-done', 2> {
  readonly run: string;
  readonly shard: string;
}
/** A v1 window-done whose window is no number. */
interface BadDoneV1 extends Envelope<'migsim.window-done', 1> {
  readonly run: string;
  readonly shard: string;
  readonly window: string;
}
/**
 * A v1 window-open as this test writes it: any of its fields may be left out (the services' codec then
 * refuses it as malformed), and a whole one names a run no shard ever heard of (a stale message, say).
 */
interface LooseOpenV1 extends Envelope<'migsim.window-open', 1> {
  readonly run: string;
  readonly shard: string;
  readonly window?: number;
  readonly boundNs?: number;
  readonly final?: boolean;
  readonly mail?: readonly unknown[];
}

type Rogue = WindowOpenV2 | WindowDoneV2 | LooseOpenV1 | BadDoneV1;
const anything = () => undefined;
const rogueCodecs = CodecRegistry.empty()
  .register(defineCodec<WindowOpenV2>('migsim.window-open', 2, { run: checks.string, shard: checks.string }))
  .register(defineCodec<WindowDoneV2>('migsim.window-done', 2, { run: checks.string, shard: checks.string }))
  .register(defineCodec<LooseOpenV1>('migsim.window-open', 1, { run: checks.string, shard: checks.string, window: anything, boundNs: anything, final: anything, mail: anything }))
  .register(defineCodec<BadDoneV1>('migsim.window-done', 1, { run: checks.string, shard: checks.string, window: checks.string }));

const FLAGSHIP = shippedScenario('scenarios/failed-migration-recovery.yaml');
const newStack = servicesStackPerTest();

describe('services: rejected messages', () => {
  it('malformed, unknown-version and stray messages on a shard queue and on the coordinator queue are dead-lettered with their reasons, none reaches a journal, and the run beside them ends as in the engine', async () => {
    const engine = engineReportText(FLAGSHIP.text, FLAGSHIP.file);
    // 20x: 18 s of wall time for the run, ample for the rejections (retries included) and a worker replaced after them.
    const stack = newStack({ label: 'rejected', speed: 20, extraEnv: FAST_TAKEOVER_ENV });
    await stack.start();
    const id = await stack.submit(FLAGSHIP.text, FLAGSHIP.file);
    // The shards know the run: a window-open of it is refused for what it says, not for an unknown run.
    await stack.waitForProgress(id, 1);

    const rogue = new BullmqQueuePort<Rogue>({ url: stack.options.redisUrl, namespace: stack.namespace, codecs: rogueCodecs });
    const letters: DeadLetterMessageV1[] = [];
    const reader = new BullmqQueuePort({ url: stack.options.redisUrl, namespace: stack.namespace, codecs: transportCodecs() });
    try {
      const shard = shardQueue('source-0');
      await rogue.send(shard, { v: 2, type: 'migsim.window-open', run: id, shard: 'source-0' }, { jobId: 'rogue~open-v2' });
      await rogue.send(shard, { v: 1, type: 'migsim.window-open', run: id, shard: 'source-0' }, { jobId: 'rogue~open-truncated' });
      await rogue.send(shard, { v: 1, type: 'migsim.window-open', run: 'run-gone', shard: 'source-0', window: 3, boundNs: 1e9, final: false, mail: [] }, { jobId: 'rogue~open-stray' });
      // Well-formed, of the running run, but a window far ahead of the shard's: refused, and kept out of its journal.
      await rogue.send(shard, { v: 1, type: 'migsim.window-open', run: id, shard: 'source-0', window: 1_000_000, boundNs: 1e12, final: false, mail: [] }, { jobId: 'rogue~open-ahead' });
      await rogue.send(coordinatorQueue(), { v: 2, type: 'migsim.window-done', run: id, shard: 'source-0' }, { jobId: 'rogue~done-v2' });
      await rogue.send(coordinatorQueue(), { v: 1, type: 'migsim.window-done', run: id, shard: 'source-0', window: 'seven' }, { jobId: 'rogue~done-bad' });

      // Operators see them in the live page's queue panel (the stray ones after their retries).
      await stack.until(async () => ((await stack.get('/live/queues')) as { deadLettered: number }).deadLettered >= 6, 60_000, 'six dead letters in GET /live/queues');
      await reader.consume(reader.layout.deadLetter, async (message) => {
        if (message.type === 'transport.dead-letter') letters.push(message);
      }, { concurrency: 1 });
      await stack.until(async () => letters.length >= 6, 20_000, 'six dead letters read');
    } finally {
      await reader.close();
      await rogue.close();
    }

    const byJob = Object.fromEntries(letters.map((letter) => [letter.jobId, letter]));
    expect(Object.keys(byJob).sort()).toEqual(['rogue~done-bad', 'rogue~done-v2', 'rogue~open-ahead', 'rogue~open-stray', 'rogue~open-truncated', 'rogue~open-v2']);
    expect(byJob['rogue~open-v2']).toMatchObject({ sourceQueue: 'shard.source-0', code: 'MESSAGE_UNKNOWN_VERSION', attempts: 0 });
    expect(byJob['rogue~open-v2']!.reason).toMatch(/migsim\.window-open v2 is not a known version/);
    expect(byJob['rogue~open-truncated']).toMatchObject({ sourceQueue: 'shard.source-0', code: 'MESSAGE_MALFORMED', attempts: 0 });
    expect(byJob['rogue~open-truncated']!.reason).toMatch(/\$\.window: expected/);
    expect(byJob['rogue~open-stray']).toMatchObject({ sourceQueue: 'shard.source-0', code: 'HANDLER_FAILED', attempts: 5 });
    expect(byJob['rogue~open-stray']!.reason).toBe('shard source-0 has no record of run run-gone (its start never arrived)');
    expect(byJob['rogue~open-ahead']).toMatchObject({ sourceQueue: 'shard.source-0', code: 'HANDLER_FAILED', attempts: 5 });
    expect(byJob['rogue~open-ahead']!.reason).toMatch(new RegExp(`^shard source-0 of run ${id}: window 1000000 after \\d+$`));
    expect(byJob['rogue~done-v2']).toMatchObject({ sourceQueue: 'coordinator', code: 'MESSAGE_UNKNOWN_VERSION', attempts: 0 });
    expect(byJob['rogue~done-v2']!.reason).toMatch(/migsim\.window-done v2 is not a known version/);
    expect(byJob['rogue~done-bad']).toMatchObject({ sourceQueue: 'coordinator', code: 'MESSAGE_MALFORMED', attempts: 0 });
    expect(byJob['rogue~done-bad']!.reason).toMatch(/\$\.window: expected an integer >= 0, got "seven"/);
    // Each service logged each rejection as an error, with the reason.
    const rejections = (log: string) => log.split('\n').filter((line) => line.includes('"level":"error"') && line.includes('message dead-lettered'));
    expect(rejections(stack.worker('source-0').log)).toHaveLength(4);
    expect(rejections(stack.controller.log)).toHaveLength(2);
    expect(stack.processes.every((child) => child.running)).toBe(true);

    // Nothing refused reached source-0's journal: a process that takes the shard over replays it without a stumble.
    expect(midRun(await stack.run(id), 360_000)).toBe('mid-run');
    expect(await stack.worker('source-0').kill('SIGKILL')).toBe(true);
    const replacement = stack.startWorker('source-0');
    await stack.waitForShards();

    // Unaffected: the run completes with the engine's report.
    const run = await stack.waitForRun(id, 180_000);
    expect(run.status, `${run.error}\n${stack.logs()}`).toBe('completed');
    expect(replacement.log).toMatch(new RegExp(`run ${id}: shard source-0 rebuilt from its journal`));
    expectSameReport(await stack.reportText(id), engine, 'flagship beside rejected messages');
  }, 240_000);
});

describe('controller HTTP API', () => {
  it('answers a bad scenario with 400 and its problem lines; serves /health, /metrics and /shards', async () => {
    const stack = newStack({ label: 'http-api', speed: 'max' });
    await stack.startController();
    const response = await fetch(`${stack.url}/runs?file=bad.yaml`, { method: 'POST', body: 'name: bad\nhorizon: soon\nhosts: []\n' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: string[] };
    expect(body.problems.some((line) => /^bad\.yaml: horizon: found "soon"/.test(line))).toBe(true);
    expect(await stack.get('/runs')).toEqual([]);

    const health = (await stack.get('/health')) as { status: string; details: { redis: { status: string } } };
    expect(health).toMatchObject({ status: 'ok', details: { redis: { status: 'up' } } });
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^migsim_redis_up 1$/m);
    expect(metrics).toMatch(/# TYPE migsim_coordinator_messages_total counter/);
    // No worker yet: the controller says which shards nobody serves.
    expect(await stack.get('/shards')).toEqual([
      { name: 'source-0', role: 'source', served: false, owner: null },
      { name: 'destination-0', role: 'destination', served: false, owner: null },
    ]);
  });
});
