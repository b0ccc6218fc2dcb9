import type { MigrationParameters } from './params';

/**
 * Auto-converge (migration/ram.c `migration_trigger_throttle`,
 * `mig_throttle_guest_down`; QEMU 10.x): at a bitmap sync that closes a
 * period of more than 1 s, if the bytes dirtied in the period exceed
 * `throttle-trigger-threshold` % (50) of the bytes transferred in it, a
 * counter goes up; the second time (`++dirty_rate_high_cnt >= 2`, which need
 * not be consecutive: the counter is only reset when it fires) the guest is
 * throttled: `cpu-throttle-initial` (20) the first time, then
 * + `cpu-throttle-increment` (10) up to `max-cpu-throttle` (99).
 * `cpu-throttle-tailslow` is not modelled (QEMU default off).
 */
export class AutoConverge {
  /** `rs->dirty_rate_high_cnt`. */
  private highCount = 0;

  constructor(private readonly params: Readonly<MigrationParameters>) {}

  /** One sync period closed; returns the new throttle when it changes, else null. */
  onSyncPeriod(bytesTransferredInPeriod: number, bytesDirtiedInPeriod: number, throttlePercent: number): number | null {
    const threshold = (bytesTransferredInPeriod * this.params['throttle-trigger-threshold']) / 100;
    if (!(bytesDirtiedInPeriod > threshold)) return null;
    this.highCount++;
    if (this.highCount < 2) return null;
    this.highCount = 0;
    if (!this.params.capabilities['auto-converge']) return null;
    const next =
      throttlePercent === 0
        ? this.params['cpu-throttle-initial']
        : Math.min(throttlePercent + this.params['cpu-throttle-increment'], this.params['max-cpu-throttle']);
    // cpu_throttle_set clamps to [CPU_THROTTLE_PCT_MIN, CPU_THROTTLE_PCT_MAX] = [1, 99].
    const clamped = Math.max(1, Math.min(99, next));
    return clamped === throttlePercent ? null : clamped;
  }
}
