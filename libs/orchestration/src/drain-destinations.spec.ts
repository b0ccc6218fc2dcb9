import { describe, expect, it } from 'vitest';
import { planDrain, planDrainMoves, type DrainHost } from './drain-plan';
import { OrchestrationError } from './errors';

const GIB = 1024 ** 3;
const host = (name: string, rack: string, memoryGiB = 64): DrainHost => ({ name, memoryBytes: memoryGiB * GIB, up: true, rack });

describe('drain destinations', () => {
  const hosts = [host('h-1', 'r1'), host('h-2', 'r1', 32), host('h-3', 'r2', 128), host('h-4', 'r2')];
  const vms = [
    { name: 'vm-1', host: 'h-1', memoryBytes: 8 * GIB },
    { name: 'vm-2', host: 'h-1', memoryBytes: 8 * GIB },
  ];

  it('least-loaded ignores racks: both VMs go to the emptiest host, in the other rack', () => {
    expect(planDrain(['h-1'], hosts, vms).map((move) => move.destinationHost)).toEqual(['h-3', 'h-3']);
  });

  it('same-rack-first keeps VMs in their rack while it has room, then goes elsewhere', () => {
    expect(planDrain(['h-1'], hosts, vms, { destination: 'same-rack-first' }).map((move) => move.destinationHost)).toEqual(['h-2', 'h-2']);
    const big = [...vms, { name: 'vm-3', host: 'h-1', memoryBytes: 20 * GIB }];
    expect(planDrain(['h-1'], hosts, big, { destination: 'same-rack-first', order: 'name' }).map((move) => move.destinationHost)).toEqual(['h-2', 'h-2', 'h-3']);
  });

  it('anti-affinity: two VMs of one group never share a destination, nor a host already holding one', () => {
    const grouped = [
      { name: 'db-1', host: 'h-1', memoryBytes: 8 * GIB, antiAffinity: 'db' },
      { name: 'db-2', host: 'h-1', memoryBytes: 8 * GIB, antiAffinity: 'db' },
      { name: 'db-3', host: 'h-3', memoryBytes: 8 * GIB, antiAffinity: 'db' },
    ];
    expect(planDrain(['h-1'], hosts, grouped, { order: 'name' }).map((move) => move.destinationHost)).toEqual(['h-4', 'h-2']);
  });

  it('a VM nobody can take is listed with the reason while the others move; planDrain throws for it', () => {
    const grouped = ['a', 'b', 'c', 'd'].map((suffix) => ({ name: `web-${suffix}`, host: 'h-1', memoryBytes: 4 * GIB, antiAffinity: 'web' }));
    const result = planDrainMoves(['h-1'], hosts, grouped, { order: 'name' });
    expect(result.moves.map((move) => `${move.vmName}->${move.destinationHost}`)).toEqual(['web-a->h-3', 'web-b->h-4', 'web-c->h-2']);
    expect(result.unplaced).toEqual([{ vmName: 'web-d', sourceHost: 'h-1', reason: `drain: no host has ${4 * GIB} bytes free outside the hosts of anti-affinity group "web" for VM "web-d"` }]);
    expect(() => planDrain(['h-1'], hosts, grouped)).toThrow(OrchestrationError);
  });

  it('name order and ties are natural: vm-2 before vm-10, h-2 before h-10', () => {
    const flat = [host('h-10', 'r', 64), host('h-2', 'r', 64), host('src', 'r', 64)];
    const named = [{ name: 'vm-10', host: 'src', memoryBytes: GIB }, { name: 'vm-2', host: 'src', memoryBytes: GIB }];
    expect(planDrain(['src'], flat, named, { order: 'name' })).toEqual([
      { vmName: 'vm-2', sourceHost: 'src', destinationHost: 'h-2' },
      { vmName: 'vm-10', sourceHost: 'src', destinationHost: 'h-10' },
    ]);
  });

  it('dirty-rate orders by the rate given (the declared one), lowest first', () => {
    const rated = [
      { name: 'fast', host: 'h-1', memoryBytes: GIB, dirtyRateBytesPerSec: 50e6 },
      { name: 'slow', host: 'h-1', memoryBytes: GIB, dirtyRateBytesPerSec: 1e6 },
    ];
    expect(planDrain(['h-1'], hosts, rated, { order: 'dirty-rate' }).map((move) => move.vmName)).toEqual(['slow', 'fast']);
  });
});
