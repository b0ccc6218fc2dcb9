import { describe, expect, it } from 'vitest';
import { readControllerConfig } from './controller-config';

describe('controller config', () => {
  it('fills defaults: speed 40x, port 8080', () => {
    const config = readControllerConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.speed).toBe(40);
    expect(config.port).toBe(8080);
    expect(config.namespace).toBe('migsim');
  });

  it('names the variable that is wrong', () => {
    expect(() => readControllerConfig({ REDIS_URL: 'http://x' })).toThrow(/^REDIS_URL: expected redis:\/\/host:port, got "http:\/\/x"/);
    expect(() => readControllerConfig({ REDIS_URL: 'redis://x:1', MIGSIM_SPEED: '0' })).toThrow(/^MIGSIM_SPEED: expected a number/);
    expect(() => readControllerConfig({ REDIS_URL: 'redis://x:1', PORT: '80.5' })).toThrow(/^PORT: expected an integer/);
  });
});
