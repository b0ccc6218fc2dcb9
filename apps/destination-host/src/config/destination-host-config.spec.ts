import { describe, expect, it } from 'vitest';
import { readDestinationHostConfig } from './destination-host-config';

describe('destination host config', () => {
  it('claims one host of the pool only with MIGSIM_CLAIM=1, and takes a health file', () => {
    const base = { REDIS_URL: 'redis://127.0.0.1:6379', MIGSIM_HOSTS: 'dst-1,dst-2' };
    expect(readDestinationHostConfig(base, [])).toMatchObject({ hosts: ['dst-1', 'dst-2'], claim: false, claimLeaseMs: 5_000, healthFile: null });
    expect(readDestinationHostConfig({ ...base, MIGSIM_CLAIM: '1', MIGSIM_HEALTH_FILE: '/tmp/alive' }, [])).toMatchObject({ claim: true, healthFile: '/tmp/alive' });
  });

  it('names the variable that is wrong', () => {
    const base = { REDIS_URL: 'redis://127.0.0.1:6379', MIGSIM_HOSTS: 'dst-1' };
    expect(() => readDestinationHostConfig({ ...base, MIGSIM_CLAIM: 'true' }, [])).toThrow(/^MIGSIM_CLAIM: expected 1 or 0, got "true"/);
    expect(() => readDestinationHostConfig({ ...base, MIGSIM_CLAIM_LEASE_MS: '0' }, [])).toThrow(/^MIGSIM_CLAIM_LEASE_MS: expected an integer >= 1, got "0"/);
  });
});
