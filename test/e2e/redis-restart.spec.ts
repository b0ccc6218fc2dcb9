import { PrivateRedisServer } from '@migsim/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_AT_SIMULATED_MS, midRun } from './support/fault-runs';
import { engineReportText, expectSameReport, shippedScenario } from './support/same-report';
import { sleep } from './support/service-process';
import { ServicesStack } from './support/services-stack';

const FLAGSHIP = shippedScenario('scenarios/failed-migration-recovery.yaml');
let redis: PrivateRedisServer | undefined;
let stack: ServicesStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  await redis?.stop();
  redis = undefined;
});

describe('services: Redis killed and restarted mid-run', () => {
  it('the run stalls and resumes; its report equals the engine report but for engine and execution', async () => {
    const engine = engineReportText(FLAGSHIP.text, FLAGSHIP.file);
    // A Redis of our own (never a shared one) that writes every command to its append-only file before
    // answering (appendfsync always), so a kill -9 loses nothing that was acknowledged.
    redis = new PrivateRedisServer({ persistent: true, env: process.env });
    await redis.start();
    // A worker that cannot renew its shard's lease for the lease's length stops (another process may take the shard
    // over): the lease outlasts the outage, however long a busy machine takes to replay the append-only file.
    stack = new ServicesStack({ redisUrl: redis.url, label: 'redis-restart', speed: 40, extraEnv: { MIGSIM_CLAIM_LEASE_MS: '60000' } });
    await stack.start();
    const id = await stack.submit(FLAGSHIP.text, FLAGSHIP.file);
    const before = await stack.waitForProgress(id, FAULT_AT_SIMULATED_MS);
    expect(midRun(before, 360_000)).toBe('mid-run');

    const killedPid = redis.pid;
    await redis.kill();
    await sleep(2_000);
    await redis.restart();
    expect(redis.pid).not.toBe(killedPid);

    const run = await stack.waitForRun(id, 180_000);
    expect(run.status, `${run.error}\n${stack.logs()}`).toBe('completed');
    expectSameReport(await stack.reportText(id), engine, 'flagship across a Redis restart');
    // Every process waited the outage out.
    expect(stack.processes.filter((child) => !child.running).map((child) => child.app)).toEqual([]);
  }, 240_000);
});
