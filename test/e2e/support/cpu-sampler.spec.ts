import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuSampler, processCpuSeconds } from './cpu-sampler';

/**
 * Keeps a process on the CPU until it has used `ms` of CPU time: on a busy
 * machine that takes longer in wall time, so the figures below hold however
 * much of a core the process gets. Its source runs here and in a child.
 */
const spinSource = `function spin(ms) {
  const start = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10000; i++) x += Math.sqrt(x + 1);
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return x;
  }
}`;
const spin = new Function(`${spinSource}; return spin;`)() as (ms: number) => number;

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

describe('CpuSampler', () => {
  it('process cpu seconds: grows by about the CPU time this process spins, and is null for a process that does not exist', () => {
    const before = processCpuSeconds(process.pid)!;
    spin(300);
    const used = processCpuSeconds(process.pid)! - before;
    // /proc counts in clock ticks (10 ms): a tick or two may be missing at either end.
    expect(used).toBeGreaterThan(0.25);
    expect(used).toBeLessThan(1.5);
    expect(processCpuSeconds(2 ** 30)).toBeNull();
  });

  it('used between: charges a busy stretch of another process to its window and an idle stretch almost nothing, Redis through its probe', async () => {
    // As the bench uses it: the sampler in this process, the CPU spent in another one (300 ms of CPU, then idle).
    const child = spawn(process.execPath, ['-e', `${spinSource}; const fromMs = Date.now(); spin(300); console.log(JSON.stringify({ fromMs, toMs: Date.now() })); setTimeout(() => {}, 1500);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let redisSeconds = 10;
      const redis = { cpuSeconds: async () => (redisSeconds += 0.01) };
      const sampler = new CpuSampler({ child: child.pid! }, redis, 20);
      sampler.start();
      const { fromMs, toMs } = await new Promise<{ fromMs: number; toMs: number }>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))));
      await sleep(600);
      await sampler.stop();
      const busy = sampler.usedBetween(fromMs, toMs);
      const idle = sampler.usedBetween(toMs + 100, toMs + 500);
      expect(busy.child).toBeGreaterThan(0.15);
      expect(idle.child).toBeLessThan(0.075);
      expect(busy.redis).toBeGreaterThan(0);
      expect(Object.keys(busy).sort()).toEqual(['child', 'redis']);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
