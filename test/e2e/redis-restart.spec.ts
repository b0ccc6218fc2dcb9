import { PrivateRedisServer } from '@migsim/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from './support/service-process';
import { e2eScenario } from './support/e2e-scenarios';
import { ServicesStack } from './support/services-stack';

let redis: PrivateRedisServer | undefined;
let stack: ServicesStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  await redis?.stop();
  redis = undefined;
});

describe('services: Redis stopped and restarted mid-run', () => {
  it('loses no VM and runs none twice; the run finishes with a redis-outage event', async () => {
    // A Redis of our own (never a shared one) that persists every write, so a kill loses nothing acknowledged.
    redis = new PrivateRedisServer({ persistent: true, env: process.env });
    await redis.start();
    stack = new ServicesStack({ redisUrl: redis.url, label: 'redis-restart', speed: 10 });
    await stack.start();
    // The horizon leaves room for a page job whose lock was lost in the outage:
    // BullMQ hands it back only after the lock lapses (10 s wall = 100 s simulated at 10x).
    const id = await stack.submit(e2eScenario({ name: 'e2e-redis-restart', horizonS: 400, dirtyRate: '25MB/s', recovery: 'zap-rmap', migrationAtS: 1 }));
    await stack.until(async () => (await stack!.run(id)).variants[0]!.migrations[0]!.phase?.phase === 'round', 30_000, 'pre-copy to start');

    await redis.kill();
    await sleep(2_000);
    await redis.restart();

    const run = await stack.waitForRun(id, 120_000);
    expect(run.status, stack.logs()).toBe('completed');
    const report = await stack.report(id);
    const variant = report.variants[0]!;
    expect(['completed', 'failed']).toContain(variant.migrations[0]!.outcome);
    expect(variant.vms).toHaveLength(1);
    // Exactly one host holds the VM: the destination if the migration completed, else the source.
    expect(variant.vms[0]!.host).toBe(variant.migrations[0]!.outcome === 'completed' ? 'dst-1' : 'src-1');
    expect(variant.checks.find((check) => check.kind === 'vm-never-lost')?.passed).toBe(true);
    expect(variant.checks.find((check) => check.kind === 'memory-equal-at-switchover')?.passed).toBe(true);
    expect(variant.events.find((event) => event.kind === 'redis-outage')?.detail).toMatch(/Redis was unreachable for \d+ ms/);
    // Every process survived the outage.
    expect(stack.processes.every((child) => child.running)).toBe(true);
  });
});
