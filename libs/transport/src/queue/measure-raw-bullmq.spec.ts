import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceKeys } from '../redis/purge-namespace';
import type { ResolvedRedis } from '../redis/resolve-redis';
import { resolveTestRedis, uniqueNamespace } from '../testing/test-redis';
import { measureRawBullmq } from './measure-raw-bullmq';

let redis: ResolvedRedis;
beforeAll(async () => {
  redis = await resolveTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('measureRawBullmq', () => {
  it('measure-raw-bullmq: processes every job, reports a rate consistent with its own timing, and leaves no keys behind', async () => {
    const namespace = uniqueNamespace('raw-bench');
    const result = await measureRawBullmq({ url: redis.url, jobs: 2_000, concurrency: 50, bulkSize: 500, namespace });
    expect(result).toMatchObject({ jobs: 2_000, concurrency: 50, bulkSize: 500 });
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(result.addMs).toBeLessThanOrEqual(result.elapsedMs + 1);
    // One process adds and works every job: it uses CPU, and at most two cores' worth (main thread + libuv/GC) over the window.
    expect(result.cpuMs).toBeGreaterThan(0);
    expect(result.cpuMs).toBeLessThanOrEqual(2 * result.elapsedMs + 20);
    expect(Math.abs(result.jobsPerSecond - (2_000 / result.elapsedMs) * 1000)).toBeLessThan(result.jobsPerSecond * 0.01 + 5);
    expect(await namespaceKeys(redis.url, namespace)).toEqual([]);
  });

  it('measure-raw-bullmq: refuses a job count below 1', async () => {
    await expect(measureRawBullmq({ url: redis.url, jobs: 0 })).rejects.toThrow(/jobs: expected an integer >= 1, got 0/);
  });
});
