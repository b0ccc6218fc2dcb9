import { describe, expect, it } from 'vitest';
import { readDeliveryOverrides, readServedShardsConfig } from './served-shards-config';

const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('host worker config', () => {
  it('serves the default shard unless MIGSIM_SHARDS or --shards names others; --shards wins', () => {
    expect(readServedShardsConfig(redis, [], 'source-0').shards).toEqual(['source-0']);
    expect(readServedShardsConfig({ ...redis, MIGSIM_SHARDS: 'a, b' }, [], 'source-0').shards).toEqual(['a', 'b']);
    expect(readServedShardsConfig({ ...redis, MIGSIM_SHARDS: 'a' }, ['--shards', 'c'], 'source-0').shards).toEqual(['c']);
    expect(() => readServedShardsConfig({ ...redis, MIGSIM_SHARDS: 'a.b' }, [], 'source-0')).toThrow('MIGSIM_SHARDS: "a.b" is not a valid shard name');
  });

  it('MIGSIM_LOCK_DURATION_MS and MIGSIM_STALLED_INTERVAL_MS override the delivery policy; unset, the policy keeps its defaults', () => {
    expect(readServedShardsConfig(redis, [], 'source-0').delivery).toEqual({});
    expect(readDeliveryOverrides({ MIGSIM_LOCK_DURATION_MS: '3000', MIGSIM_STALLED_INTERVAL_MS: '1000' })).toEqual({ lockDurationMs: 3000, stalledIntervalMs: 1000 });
    expect(readDeliveryOverrides({ MIGSIM_LOCK_DURATION_MS: '', MIGSIM_STALLED_INTERVAL_MS: '500' })).toEqual({ stalledIntervalMs: 500 });
    expect(() => readDeliveryOverrides({ MIGSIM_LOCK_DURATION_MS: '0' })).toThrow('MIGSIM_LOCK_DURATION_MS: expected an integer >= 1, got "0"');
    expect(() => readDeliveryOverrides({ MIGSIM_STALLED_INTERVAL_MS: '1.5s' })).toThrow('MIGSIM_STALLED_INTERVAL_MS: expected an integer >= 1, got "1.5s"');
  });
});
