/**
 * QEMU's `calc-dirty-rate` result: `query-dirty-rate` reports `dirty-rate` as
 * a whole number of MB/s (migration/dirtyrate.c), so two guests that dirty
 * memory at the same pace measure the same, and a plan ordering VMs by it
 * breaks such ties by name. Returns bytes/s (a multiple of 1e6).
 */
export function measuredDirtyRate(pagesDirtied: number, elapsedNs: number, pageBytes = 4096): number {
  const bytesPerSec = (pagesDirtied * pageBytes * 1e9) / Math.max(1, elapsedNs);
  return Math.round(bytesPerSec / 1e6) * 1e6;
}
