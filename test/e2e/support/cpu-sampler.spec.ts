import { describe, expect, it } from 'vitest';
import { CpuSampler, processCpuSeconds } from './cpu-sampler';

/** Keeps this process on the CPU for `ms` of wall time. */
function spin(ms: number): void {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

describe('CpuSampler', () => {
  it('process cpu seconds: grows by about the time this process spins, and is null for a process that does not exist', () => {
    const before = processCpuSeconds(process.pid)!;
    spin(300);
    const used = processCpuSeconds(process.pid)! - before;
    expect(used).toBeGreaterThan(0.15);
    expect(used).toBeLessThan(1.5);
    expect(processCpuSeconds(2 ** 30)).toBeNull();
  });

  it('used between: charges a busy stretch to its window and an idle stretch almost nothing, Redis through its probe', async () => {
    let redisSeconds = 10;
    const redis = { cpuSeconds: async () => (redisSeconds += 0.01) };
    const sampler = new CpuSampler({ self: process.pid }, redis, 20);
    sampler.start();
    await sleep(100);
    const busyFromMs = Date.now();
    spin(400);
    const busyToMs = Date.now();
    await sleep(400);
    const idleToMs = Date.now();
    await sleep(50);
    await sampler.stop();
    const busy = sampler.usedBetween(busyFromMs, busyToMs);
    const idle = sampler.usedBetween(busyToMs + 50, idleToMs);
    expect(busy.self).toBeGreaterThan(0.2);
    expect(idle.self).toBeLessThan(0.1);
    expect(busy.redis).toBeGreaterThan(0);
    expect(Object.keys(busy).sort()).toEqual(['redis', 'self']);
  });
});
