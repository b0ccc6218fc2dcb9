import { BUFFER_DELAY_NS, EXPECTED_DOWNTIME_MIN_WINDOW_BYTES, NS_PER_MS } from './qemu-constants';

/**
 * QEMU's rate limiting and bandwidth measurement, which share one 100 ms
 * window (migration.c `migration_rate_limit` -> `migration_update_counters`,
 * migration-stats.c `migration_rate_exceeded` / `migration_rate_reset`):
 *
 * - the sender may write `max-bandwidth / 10` bytes per window
 *   (`migration_rate_set`: limit / XFER_LIMIT_RATIO); once it wrote more, it
 *   waits for the window to end;
 * - when a window of at least BUFFER_DELAY ends, bandwidth = bytes written
 *   in it / its duration, `threshold_size` = bandwidth x `downtime-limit`,
 *   `mbps` likewise, `expected_downtime` = dirty bytes at the last sync /
 *   bandwidth (QEMU >= 8.1 `dirty_bytes_last_sync`; older QEMU used
 *   `ram_counters.remaining`, which it also set at each sync), and a new
 *   window starts.
 *
 * Bytes count when they are written to the socket, as QEMU counts them.
 */
export class RateWindow {
  /** Bytes per window; Infinity when rate limiting is off (stop-and-copy, unlimited post-copy). */
  private limitBytes: number;
  private windowStartNs: number;
  private windowInitialBytes = 0;
  bandwidthBytesPerMs = 0;
  thresholdBytes = 0;
  mbps = 0;
  expectedDowntimeMs: number;

  constructor(startNs: number, bytesPerSec: number, downtimeLimitMs: number) {
    this.windowStartNs = startNs;
    this.limitBytes = RateWindow.windowLimit(bytesPerSec);
    // migration_thread: expected_downtime starts at downtime-limit.
    this.expectedDowntimeMs = downtimeLimitMs;
  }

  /** `migration_rate_set`: 0 or Infinity means unlimited (RATE_LIMIT_DISABLED). */
  setRate(bytesPerSec: number): void {
    this.limitBytes = RateWindow.windowLimit(bytesPerSec);
  }

  private static windowLimit(bytesPerSec: number): number {
    return bytesPerSec > 0 && Number.isFinite(bytesPerSec) ? Math.floor(bytesPerSec / (1_000_000_000 / BUFFER_DELAY_NS)) : Number.POSITIVE_INFINITY;
  }

  /** When the current window may close (and the sender wake up). */
  windowEndNs(): number {
    return this.windowStartNs + BUFFER_DELAY_NS;
  }

  /** Bytes the sender may still write in this window before `migration_rate_exceeded` turns true. */
  remainingBytes(transferredBytes: number): number {
    // migration_rate_exceeded: used > max. Writing stops once used exceeds max, so up to max+1 bytes fit.
    return this.limitBytes - (transferredBytes - this.windowInitialBytes) + 1;
  }

  exceeded(transferredBytes: number): boolean {
    return transferredBytes - this.windowInitialBytes > this.limitBytes;
  }

  /**
   * `migration_update_counters`: closes the window if it lasted at least
   * BUFFER_DELAY. Returns true when it did.
   */
  update(nowNs: number, transferredBytes: number, downtimeLimitMs: number, dirtyPagesRate: number, dirtyBytesLastSync: number): boolean {
    if (nowNs < this.windowStartNs + BUFFER_DELAY_NS) return false;
    const transferred = transferredBytes - this.windowInitialBytes;
    const timeSpentMs = (nowNs - this.windowStartNs) / NS_PER_MS;
    this.bandwidthBytesPerMs = transferred / timeSpentMs;
    this.thresholdBytes = this.bandwidthBytesPerMs * downtimeLimitMs;
    this.mbps = (transferred * 8) / (timeSpentMs / 1000) / 1e6;
    if (dirtyPagesRate !== 0 && transferred > EXPECTED_DOWNTIME_MIN_WINDOW_BYTES) {
      this.expectedDowntimeMs = dirtyBytesLastSync / this.bandwidthBytesPerMs;
    }
    // migration_rate_reset + update_iteration_initial_status.
    this.windowStartNs = nowNs;
    this.windowInitialBytes = transferredBytes;
    return true;
  }

  /** Recomputes the threshold after `downtime-limit` changed (QEMU recomputes at the next window). */
  setDowntimeLimit(downtimeLimitMs: number): void {
    this.thresholdBytes = this.bandwidthBytesPerMs * downtimeLimitMs;
  }
}
