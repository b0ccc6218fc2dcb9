import { describe, expect, it } from 'vitest';
import { AutoConverge } from './auto-converge';
import { migrationParameters } from './params';

describe('auto-converge (migration_trigger_throttle / mig_throttle_guest_down)', () => {
  const on = migrationParameters({ capabilities: { 'auto-converge': true } });

  it('throttles on the second period that dirtied more than 50 % of what it transferred: 20, then +10 every second hit', () => {
    const ac = new AutoConverge(on);
    let throttle = 0;
    const seen: (number | null)[] = [];
    for (let i = 0; i < 8; i++) {
      const next = ac.onSyncPeriod(1000, 501, throttle);
      seen.push(next);
      if (next !== null) throttle = next;
    }
    expect(seen).toEqual([null, 20, null, 30, null, 40, null, 50]);
  });

  it('exactly 50 % is not a hit, and hits need not be consecutive (the counter is only reset when it fires)', () => {
    const ac = new AutoConverge(on);
    expect(ac.onSyncPeriod(1000, 500, 0)).toBeNull();
    expect(ac.onSyncPeriod(1000, 900, 0)).toBeNull();
    expect(ac.onSyncPeriod(1000, 10, 0)).toBeNull();
    expect(ac.onSyncPeriod(1000, 900, 0)).toBe(20);
  });

  it('stops at max-cpu-throttle', () => {
    const ac = new AutoConverge(migrationParameters({ capabilities: { 'auto-converge': true }, 'max-cpu-throttle': 45 }));
    expect(ac.onSyncPeriod(1, 2, 40)).toBeNull();
    expect(ac.onSyncPeriod(1, 2, 40)).toBe(45);
    ac.onSyncPeriod(1, 2, 45);
    expect(ac.onSyncPeriod(1, 2, 45)).toBeNull();
  });

  it('without the capability it never throttles', () => {
    const ac = new AutoConverge(migrationParameters());
    for (let i = 0; i < 6; i++) expect(ac.onSyncPeriod(1000, 1000, 0)).toBeNull();
  });
});
