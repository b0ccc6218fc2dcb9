import { describe, expect, it } from 'vitest';
import { readSourceHostConfig } from './source-host-config';

describe('source host config', () => {
  it('takes its hosts from --hosts before MIGSIM_HOSTS', () => {
    const config = readSourceHostConfig({ REDIS_URL: 'redis://127.0.0.1:6379', MIGSIM_HOSTS: 'a' }, ['--hosts', 'src-1,src-2']);
    expect(config.hosts).toEqual(['src-1', 'src-2']);
    expect(config.namespace).toBe('migsim');
  });

  it('claims one host of the pool only with MIGSIM_CLAIM=1, and takes a health file', () => {
    const base = { REDIS_URL: 'redis://127.0.0.1:6379', MIGSIM_HOSTS: 'src-1,src-2,src-3' };
    expect(readSourceHostConfig(base, [])).toMatchObject({ claim: false, claimLeaseMs: 5_000, healthFile: null });
    expect(readSourceHostConfig({ ...base, MIGSIM_CLAIM: '1', MIGSIM_CLAIM_LEASE_MS: '3000', MIGSIM_HEALTH_FILE: '/tmp/alive' }, [])).toMatchObject({
      hosts: ['src-1', 'src-2', 'src-3'],
      claim: true,
      claimLeaseMs: 3_000,
      healthFile: '/tmp/alive',
    });
    expect(() => readSourceHostConfig({ ...base, MIGSIM_CLAIM: 'yes' }, [])).toThrow(/^MIGSIM_CLAIM: expected 1 or 0, got "yes"/);
  });

  it('names the variable that is wrong', () => {
    expect(() => readSourceHostConfig({}, [])).toThrow(/^REDIS_URL: expected redis:\/\/host:port/);
    expect(() => readSourceHostConfig({ REDIS_URL: 'redis://x:1' }, [])).toThrow(/MIGSIM_HOSTS \(or --hosts\)/);
    expect(() => readSourceHostConfig({ REDIS_URL: 'redis://x:1', MIGSIM_TICK_MS: 'fast' }, ['--hosts', 'h'])).toThrow(/MIGSIM_TICK_MS: expected an integer >= 1, got "fast"/);
  });
});
