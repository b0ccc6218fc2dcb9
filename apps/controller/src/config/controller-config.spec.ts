import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readControllerConfig } from './controller-config';
import { memoryView } from './memory-view';

describe('controller config', () => {
  it('fills defaults: speed 40x, port 8080', () => {
    const config = readControllerConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.speed).toBe(40);
    expect(config.port).toBe(8080);
    expect(config.namespace).toBe('migsim');
  });

  it('reads the start-up scenario of MIGSIM_RUN_SCENARIO and refuses a missing or invalid file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'controller-config-'));
    try {
      const flagship = new URL('../../../../scenarios/failed-migration-recovery.yaml', import.meta.url).pathname;
      const config = readControllerConfig({ REDIS_URL: 'redis://127.0.0.1:6379', MIGSIM_RUN_SCENARIO: flagship });
      expect(config.runScenario?.file).toBe(flagship);
      expect(config.runScenario?.text).toMatch(/^name: failed-migration-recovery$/m);
      expect(readControllerConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).runScenario).toBeNull();
      const missing = join(dir, 'missing.yaml');
      expect(() => readControllerConfig({ REDIS_URL: 'redis://x:1', MIGSIM_RUN_SCENARIO: missing })).toThrow(`MIGSIM_RUN_SCENARIO: cannot read ${missing} (ENOENT)`);
      const invalid = join(dir, 'invalid.yaml');
      writeFileSync(invalid, 'name: broken\nhosts: 3\n');
      expect(() => readControllerConfig({ REDIS_URL: 'redis://x:1', MIGSIM_RUN_SCENARIO: invalid })).toThrow(/^MIGSIM_RUN_SCENARIO: .*invalid\.yaml is not a valid scenario: .*hosts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable that is wrong', () => {
    expect(() => readControllerConfig({ REDIS_URL: 'http://x' })).toThrow(/^REDIS_URL: expected redis:\/\/host:port, got "http:\/\/x"/);
    expect(() => readControllerConfig({ REDIS_URL: 'redis://x:1', MIGSIM_SPEED: '0' })).toThrow(/^MIGSIM_SPEED: expected a number/);
    expect(() => readControllerConfig({ REDIS_URL: 'redis://x:1', PORT: '80.5' })).toThrow(/^PORT: expected an integer/);
    expect(() => readControllerConfig({ REDIS_URL: 'redis://x:1', MIGSIM_LOCK_DURATION_MS: 'soon' })).toThrow(/^MIGSIM_LOCK_DURATION_MS: expected an integer >= 1/);
  });

  it('MIGSIM_LOCK_DURATION_MS and MIGSIM_STALLED_INTERVAL_MS reach the coordinator queue consumer; unset, its delivery policy keeps the defaults', () => {
    expect(readControllerConfig({ REDIS_URL: 'redis://x:1' }).delivery).toEqual({});
    expect(readControllerConfig({ REDIS_URL: 'redis://x:1', MIGSIM_LOCK_DURATION_MS: '3000', MIGSIM_STALLED_INTERVAL_MS: '1000' }).delivery).toEqual({ lockDurationMs: 3000, stalledIntervalMs: 1000 });
  });

  it('MIGSIM_API_TOKEN: unset or empty leaves the API open; a token must be a bearer token of 16 characters or more', () => {
    const redis = { REDIS_URL: 'redis://x:1' };
    expect(readControllerConfig(redis).apiToken).toBeNull();
    expect(readControllerConfig({ ...redis, MIGSIM_API_TOKEN: '' }).apiToken).toBeNull();
    expect(readControllerConfig({ ...redis, MIGSIM_API_TOKEN: 'b6f0c1e2d3a4958677_x-y.z~+/==' }).apiToken).toBe('b6f0c1e2d3a4958677_x-y.z~+/==');
    expect(() => readControllerConfig({ ...redis, MIGSIM_API_TOKEN: 'secret' })).toThrow('MIGSIM_API_TOKEN: expected at least 16 characters (e.g. `openssl rand -hex 32`), got 6');
    // The message never repeats the token itself.
    expect(() => readControllerConfig({ ...redis, MIGSIM_API_TOKEN: 'a long token with spaces' })).toThrow(/^MIGSIM_API_TOKEN: expected letters, digits and - \. _ ~ \+ \/ \(a bearer token, e\.g\. from `openssl rand -hex 32`\), got 24 characters that include others$/);
  });

  it('MIGSIM_MODEL_MEMORY_LIMIT: a size; by default half of the memory the controller sees (its cgroup limit when smaller than the machine)', () => {
    const redis = { REDIS_URL: 'redis://x:1' };
    const machine = memoryView(32 * 2 ** 30, 0);
    expect(readControllerConfig(redis, machine).modelMemoryLimit).toEqual({ bytes: 16 * 2 ** 30, source: "half of the controller machine's memory (32.0 GiB)" });
    const container = memoryView(32 * 2 ** 30, 3 * 2 ** 30);
    expect(readControllerConfig(redis, container).modelMemoryLimit).toEqual({ bytes: 1.5 * 2 ** 30, source: "half of the controller's cgroup memory limit (3.0 GiB)" });
    // No limit: libuv reports the largest value, above the machine's memory.
    expect(memoryView(32 * 2 ** 30, 2 ** 64).bytes).toBe(32 * 2 ** 30);
    expect(readControllerConfig({ ...redis, MIGSIM_MODEL_MEMORY_LIMIT: '64GiB' }, machine).modelMemoryLimit).toEqual({ bytes: 64 * 2 ** 30, source: 'MIGSIM_MODEL_MEMORY_LIMIT' });
    expect(() => readControllerConfig({ ...redis, MIGSIM_MODEL_MEMORY_LIMIT: 'lots' }, machine)).toThrow('MIGSIM_MODEL_MEMORY_LIMIT: expected a size such as 16GiB or 512MiB, got "lots"');
    expect(readControllerConfig(redis).modelMemoryLimit.bytes).toBeGreaterThan(0);
  });
});
