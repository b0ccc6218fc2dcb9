import { describe, expect, it } from 'vitest';
import { ClusterView } from './cluster-view';

const vms = [
  { name: 'web-3', host: 'h-1' },
  { name: 'db-1', host: 'h-2' },
  { name: 'web-1', host: 'h-1' },
  { name: 'web-2', host: 'h-2' },
];

describe('ClusterView', () => {
  it('lists a host\'s VMs in scenario order, whatever order they arrived in', () => {
    const view = new ClusterView({ vms });
    expect(view.vmsOn('h-1')).toEqual(['web-3', 'web-1']);
    view.moved('web-2', 'h-1');
    view.moved('web-3', 'h-2');
    view.moved('web-3', 'h-1');
    expect(view.vmsOn('h-1')).toEqual(['web-3', 'web-1', 'web-2']);
    expect(view.vmsOn('h-2')).toEqual(['db-1']);
    expect(view.vmsOn('h-9')).toEqual([]);
  });

  it('a lost VM is on no host; a crashed host\'s VMs are down with it and still listed there', () => {
    const view = new ClusterView({ vms });
    view.lost('web-1');
    expect(view.vmsOn('h-1')).toEqual(['web-3']);
    expect(view.hostOf('web-1')).toBeUndefined();
    expect(view.stateOf('web-1')).toBe('lost');
    view.hostCrashed('h-2');
    expect(view.vmsOn('h-2')).toEqual(['db-1', 'web-2']);
    expect([view.stateOf('db-1'), view.stateOf('web-2'), view.stateOf('web-3')]).toEqual(['down', 'down', 'running']);
    expect(view.placed()).toEqual([
      { vm: 'web-3', host: 'h-1' },
      { vm: 'db-1', host: 'h-2' },
      { vm: 'web-2', host: 'h-2' },
    ]);
  });
});
