import { describe, expect, it } from 'vitest';
import { MigrationError } from './errors';
import { migrationParameters } from './params';

describe('migration parameters', () => {
  it('defaults are QEMU\'s: 300 ms downtime-limit, 128 MiB/s max-bandwidth, throttle 20 + 10 up to 99, trigger at 50 %', () => {
    const p = migrationParameters();
    expect(p.algorithm).toBe('qemu-precopy');
    expect(p['downtime-limit']).toBe(300);
    expect(p['max-bandwidth']).toBe(134_217_728);
    expect(p['cpu-throttle-initial']).toBe(20);
    expect(p['cpu-throttle-increment']).toBe(10);
    expect(p['max-cpu-throttle']).toBe(99);
    expect(p['throttle-trigger-threshold']).toBe(50);
    expect(p.capabilities).toEqual({ 'auto-converge': false, 'postcopy-ram': false });
    expect(p['postcopy-recovery']).toBe(false);
  });

  it('peers keep their own published constants: Xen 29 iterations / 3x / 50 pages, SimGrid 30 ms, CloudSim half bandwidth and 10 % CPU', () => {
    const p = migrationParameters();
    expect(p.xen).toEqual({ maxIterations: 29, maxFactor: 3, minPagesPerIteration: 50 });
    expect(p.simgrid.maxDowntimeMs).toBe(30);
    expect(p.cloudsim).toEqual({ bandwidthShare: 0.5, cpuOverhead: 0.1 });
  });

  it('a partial nested section keeps the other defaults', () => {
    const p = migrationParameters({ capabilities: { 'auto-converge': true }, model: { zeroPageFraction: 0.5 } });
    expect(p.capabilities).toEqual({ 'auto-converge': true, 'postcopy-ram': false });
    expect(p.model.zeroPageFraction).toBe(0.5);
    expect(p.model.socketBufferBytes).toBe(4 * 1024 * 1024);
  });

  it('an out-of-range value is a MIGRATION_INVALID_PARAMETER error naming the parameter and what was expected', () => {
    const attempt = () => migrationParameters({ 'cpu-throttle-initial': 120 });
    expect(attempt).toThrow(MigrationError);
    try {
      attempt();
    } catch (error) {
      expect((error as MigrationError).code).toBe('MIGRATION_INVALID_PARAMETER');
      expect((error as MigrationError).message).toBe('migration parameter `cpu-throttle-initial`: expected an integer in [1, 99], got 120');
    }
    expect(() => migrationParameters({ algorithm: 'vmware' as never })).toThrow(/`algorithm`: expected one of qemu-precopy, xen, simgrid, cloudsim/);
    expect(() => migrationParameters({ model: { zeroPageFraction: 2 } })).toThrow(/`model.zeroPageFraction`/);
  });
});
