import { describe, expect, it } from 'vitest';
import { planDrain } from './drain-plan';
import { OrchestrationError } from './errors';

const GIB = 1024 ** 3;

describe('drain plan', () => {
  it('sends each VM to the host with the most free memory, big VMs first, ties by host name', () => {
    const hosts = [
      { name: 'src', memoryBytes: 64 * GIB, up: true },
      { name: 'b', memoryBytes: 32 * GIB, up: true },
      { name: 'a', memoryBytes: 32 * GIB, up: true },
      { name: 'c', memoryBytes: 40 * GIB, up: true },
    ];
    const vms = [
      { name: 'small', host: 'src', memoryBytes: 4 * GIB },
      { name: 'big', host: 'src', memoryBytes: 16 * GIB },
      { name: 'mid', host: 'src', memoryBytes: 8 * GIB },
      { name: 'resident', host: 'c', memoryBytes: 4 * GIB },
    ];
    // Free: a 32, b 32, c 36. big (16) -> c (36 -> 20); mid (8) -> a (tie a/b at 32, a first; 32 -> 24);
    // small (4) -> b (32).
    expect(planDrain(['src'], hosts, vms)).toEqual([
      { vmName: 'big', sourceHost: 'src', destinationHost: 'c' },
      { vmName: 'mid', sourceHost: 'src', destinationHost: 'a' },
      { vmName: 'small', sourceHost: 'src', destinationHost: 'b' },
    ]);
  });

  it('never picks a drained host or a host that is down', () => {
    const hosts = [
      { name: 'x', memoryBytes: 64 * GIB, up: true },
      { name: 'y', memoryBytes: 64 * GIB, up: true },
      { name: 'down', memoryBytes: 512 * GIB, up: false },
      { name: 'z', memoryBytes: 8 * GIB, up: true },
    ];
    const vms = [
      { name: 'v1', host: 'x', memoryBytes: 4 * GIB },
      { name: 'v2', host: 'y', memoryBytes: 4 * GIB },
    ];
    const plan = planDrain(['x', 'y'], hosts, vms);
    expect(plan.map((move) => move.destinationHost)).toEqual(['z', 'z']);
  });

  it('follows the plan order and its candidate list', () => {
    const hosts = [
      { name: 'src', memoryBytes: 64 * GIB, up: true },
      { name: 'a', memoryBytes: 64 * GIB, up: true },
      { name: 'b', memoryBytes: 64 * GIB, up: true },
    ];
    const vms = [
      { name: 'calm', host: 'src', memoryBytes: 8 * GIB, dirtyRateBytesPerSec: 1e6 },
      { name: 'busy', host: 'src', memoryBytes: 2 * GIB, dirtyRateBytesPerSec: 50e6 },
      { name: 'mid', host: 'src', memoryBytes: 4 * GIB, dirtyRateBytesPerSec: 10e6 },
    ];
    expect(planDrain(['src'], hosts, vms, { order: 'highest-dirty-rate' }).map((m) => m.vmName)).toEqual(['busy', 'mid', 'calm']);
    expect(planDrain(['src'], hosts, vms, { order: 'smallest-first' }).map((m) => m.vmName)).toEqual(['busy', 'mid', 'calm']);
    expect(planDrain(['src'], hosts, vms, { order: 'name' }).map((m) => m.vmName)).toEqual(['busy', 'calm', 'mid']);
    expect(planDrain(['src'], hosts, vms, { order: 'lowest-dirty-rate', candidates: ['b'] })).toEqual([
      { vmName: 'calm', sourceHost: 'src', destinationHost: 'b' },
      { vmName: 'mid', sourceHost: 'src', destinationHost: 'b' },
      { vmName: 'busy', sourceHost: 'src', destinationHost: 'b' },
    ]);
  });

  it('fails with a clear error when no host has room', () => {
    const hosts = [
      { name: 'src', memoryBytes: 64 * GIB, up: true },
      { name: 'tiny', memoryBytes: 2 * GIB, up: true },
    ];
    const vms = [{ name: 'big', host: 'src', memoryBytes: 16 * GIB }];
    expect(() => planDrain(['src'], hosts, vms)).toThrow(OrchestrationError);
    expect(() => planDrain(['src'], hosts, vms)).toThrow(/no host has .* free for VM "big"/);
    expect(() => planDrain(['nope'], hosts, vms)).toThrow(/no host named "nope"/);
  });
});
