import { describe, expect, it } from 'vitest';
import { readSourceHostConfig } from './source-host-config';

describe('source host config', () => {
  it('takes its hosts from --hosts before MIGSIM_HOSTS', () => {
    const config = readSourceHostConfig({ REDIS_URL: 'redis://127.0.0.1:6379', MIGSIM_HOSTS: 'a' }, ['--hosts', 'src-1,src-2']);
    expect(config.hosts).toEqual(['src-1', 'src-2']);
    expect(config.namespace).toBe('migsim');
  });

  it('names the variable that is wrong', () => {
    expect(() => readSourceHostConfig({}, [])).toThrow(/^REDIS_URL: expected redis:\/\/host:port/);
    expect(() => readSourceHostConfig({ REDIS_URL: 'redis://x:1' }, [])).toThrow(/MIGSIM_HOSTS \(or --hosts\)/);
    expect(() => readSourceHostConfig({ REDIS_URL: 'redis://x:1', MIGSIM_TICK_MS: 'fast' }, ['--hosts', 'h'])).toThrow(/MIGSIM_TICK_MS: expected an integer >= 1, got "fast"/);
  });
});
