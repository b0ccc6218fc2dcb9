import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window';

const MiB = 1024 * 1024;

describe('the 100 ms rate window (migration_rate_limit / migration_update_counters)', () => {
  it('allows max-bandwidth / 10 bytes per window, exceeded only once more than that was written', () => {
    const window = new RateWindow(0, 128 * MiB, 300);
    expect(window.remainingBytes(0)).toBe(Math.floor((128 * MiB) / 10) + 1);
    expect(window.exceeded(Math.floor((128 * MiB) / 10))).toBe(false);
    expect(window.exceeded(Math.floor((128 * MiB) / 10) + 1)).toBe(true);
    expect(window.windowEndNs()).toBe(100_000_000);
  });

  it('closes a window of at least 100 ms: bandwidth, threshold = bandwidth x downtime-limit, mbps; then a new window', () => {
    const window = new RateWindow(0, 128 * MiB, 300);
    expect(window.update(99_000_000, 10 * MiB, 300, 1, 0)).toBe(false);
    expect(window.update(100_000_000, 12.8 * MiB, 300, 1000, 64 * MiB)).toBe(true);
    expect(window.bandwidthBytesPerMs).toBeCloseTo((12.8 * MiB) / 100, 9);
    expect(window.thresholdBytes).toBeCloseTo(12.8 * MiB * 3, 6);
    expect(window.mbps).toBeCloseTo((12.8 * MiB * 8) / 0.1 / 1e6, 9);
    // expected_downtime = dirty bytes at the last sync / bandwidth.
    expect(window.expectedDowntimeMs).toBeCloseTo((64 * MiB) / ((12.8 * MiB) / 100), 9);
    expect(window.exceeded(12.8 * MiB)).toBe(false);
    expect(window.windowEndNs()).toBe(200_000_000);
  });

  it('keeps expected-downtime at downtime-limit until a dirty-page rate was measured (QEMU: dirty_pages_rate && transferred > 10000)', () => {
    const window = new RateWindow(0, 128 * MiB, 300);
    window.update(100_000_000, 12.8 * MiB, 300, 0, 64 * MiB);
    expect(window.expectedDowntimeMs).toBe(300);
  });

  it('unlimited when the rate is 0 (post-copy default) or disabled (stop-and-copy)', () => {
    const window = new RateWindow(0, 128 * MiB, 300);
    window.setRate(0);
    expect(window.exceeded(1e15)).toBe(false);
  });
});
