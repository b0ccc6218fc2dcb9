import { describe, expect, it } from 'vitest';
import { FaultSchedule } from './fault-schedule';
import type { FaultSpec } from './fault-spec';

function timed(id: string, atNs: number): FaultSpec {
  return { id, kind: 'link-down', trigger: { atNs }, params: { host: 'h' } };
}

function phased(id: string, migration: string, phase: string, round?: number): FaultSpec {
  return { id, kind: 'link-down', trigger: { when: { migration, phase, ...(round === undefined ? {} : { round }) } }, params: { host: 'h' } };
}

describe('fault schedule', () => {
  it('time-triggered faults come out in time order, ties in scenario order, each once', () => {
    const schedule = new FaultSchedule([timed('late', 30), timed('tie-1', 10), timed('tie-2', 10)]);
    expect(schedule.nextTimeNs()).toBe(10);
    expect(schedule.takeDueByTime(9)).toEqual([]);
    expect(schedule.takeDueByTime(10).map((f) => f.id)).toEqual(['tie-1', 'tie-2']);
    expect(schedule.takeDueByTime(10)).toEqual([]);
    expect(schedule.nextTimeNs()).toBe(30);
  });

  it('a when-trigger fires on the first matching phase at or after its round, by migration id or VM name', () => {
    const schedule = new FaultSchedule([phased('crash-r3', 'vm1', 'round', 3), phased('on-setup', 'm2', 'setup')]);
    expect(schedule.takeDueByPhase({ migrationId: 'm1', vmName: 'vm1', phase: 'round', round: 2 })).toEqual([]);
    expect(schedule.takeDueByPhase({ migrationId: 'm1', vmName: 'vm1', phase: 'setup', round: 3 })).toEqual([]);
    expect(schedule.takeDueByPhase({ migrationId: 'm1', vmName: 'vm1', phase: 'round', round: 3 }).map((f) => f.id)).toEqual(['crash-r3']);
    expect(schedule.takeDueByPhase({ migrationId: 'm1', vmName: 'vm1', phase: 'round', round: 4 })).toEqual([]);
    expect(schedule.takeDueByPhase({ migrationId: 'm2', vmName: 'vm2', phase: 'setup', round: 0 }).map((f) => f.id)).toEqual(['on-setup']);
    expect(schedule.pending()).toEqual([]);
  });

  it('a when-trigger with afterNs fires that long after the phase was entered', () => {
    const fault: FaultSpec = { id: 'late', kind: 'link-down', trigger: { when: { migration: 'm1', phase: 'round', round: 2, afterNs: 500 } }, params: { host: 'h' } };
    const schedule = new FaultSchedule([fault, timed('at-1000', 1000)]);
    expect(schedule.takeDueByPhase({ migrationId: 'm1', vmName: 'vm1', phase: 'round', round: 2 }, 700)).toEqual([]);
    expect(schedule.nextTimeNs()).toBe(1000);
    expect(schedule.takeDueByTime(999)).toEqual([]);
    expect(schedule.takeDueByTime(1200).map((f) => f.id)).toEqual(['at-1000', 'late']);
  });

  it('watches a migration while a phase-triggered fault waits for it (by id or VM name), and stops once it fired', () => {
    const schedule = new FaultSchedule([phased('crash-r3', 'vm1', 'round', 3), timed('at-1000', 1000)]);
    expect(schedule.watches('m1', 'vm1')).toBe(true);
    expect(schedule.watches('vm1', 'other')).toBe(true);
    expect(schedule.watches('m2', 'vm2')).toBe(false);
    schedule.takeDueByPhase({ migrationId: 'm1', vmName: 'vm1', phase: 'round', round: 3 });
    expect(schedule.watches('m1', 'vm1')).toBe(false);
  });
});
