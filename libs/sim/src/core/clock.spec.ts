import { describe, expect, it } from 'vitest';
import { ClockError, VirtualClock } from './clock';

describe('VirtualClock', () => {
  it('stands still until the engine advances it', () => {
    const clock = new VirtualClock();
    expect(clock.nowNs()).toBe(0);
    clock.advanceBy(10_000_000);
    clock.advanceTo(25_000_000);
    expect(clock.nowNs()).toBe(25_000_000);
  });

  it('refuses to run backwards', () => {
    const clock = new VirtualClock(100);
    expect(() => clock.advanceTo(99)).toThrow(ClockError);
    expect(clock.nowNs()).toBe(100);
  });
});
