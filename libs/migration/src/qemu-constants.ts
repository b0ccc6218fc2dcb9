/**
 * Constants of QEMU's RAM migration stream and migration thread, with where
 * they come from (QEMU 10.x unless stated).
 */

/** TARGET_PAGE_SIZE on x86. */
export const PAGE_SIZE_BYTES = 4096;

/**
 * Wire cost of one page record: an 8-byte header (`save_page_header`: offset
 * | flags as be64; the RAMBlock id is sent only when the block changes and is
 * not modelled) followed by the 4096-byte page.
 */
export const NORMAL_PAGE_WIRE_BYTES = 8 + PAGE_SIZE_BYTES;

/**
 * Wire cost of a zero page (`save_zero_page`): the 8-byte header with
 * RAM_SAVE_FLAG_ZERO and one byte of fill value.
 */
export const ZERO_PAGE_WIRE_BYTES = 9;

/** migration.c BUFFER_DELAY: the rate-limit and bandwidth-measurement window. */
export const BUFFER_DELAY_NS = 100_000_000;

/** migration/ram.c MAX_WAIT: `ram_save_iterate` returns after 50 ms even if it could send more. */
export const RAM_SAVE_ITERATE_MAX_WAIT_NS = 50_000_000;

/** migration_bitmap_sync: throttle check and rate update only for periods longer than 1 s. */
export const SYNC_PERIOD_MIN_NS = 1_000_000_000;

/** migration/cpu-throttle.c CPU_THROTTLE_DIRTY_SYNC_TIMESLICE_MS (QEMU 9.2+). */
export const DIRTY_SYNC_TIMER_PERIOD_NS = 5_000_000_000;

/** migration_update_counters: expected downtime is updated only once this many bytes moved in the window. */
export const EXPECTED_DOWNTIME_MIN_WINDOW_BYTES = 10_000;

export const NS_PER_MS = 1_000_000;
export const NS_PER_SEC = 1_000_000_000;
