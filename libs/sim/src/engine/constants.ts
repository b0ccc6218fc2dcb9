/**
 * The engine's fixed time constants (simulated ns).
 *
 * - `GUEST_STEP_NS` (10 ms): the fixed step of a guest whose recovery is being
 *   measured (after a failed / cancelled migration or a dirty-bitmap probe),
 *   and the resolution of its time-to-90/95/99 %. Migrating guests are
 *   instead stepped up to every event of their migration (QEMU's migration
 *   thread wakes at least once per 100 ms rate-limit window, and before every
 *   bitmap sync the guest has run up to that instant). Idle guests are not
 *   stepped at all: a VM that nothing migrates, probes or recovers runs at
 *   its own baseline by definition.
 * - `PLAN_PROBE_DURATION_NS` (1 s): how long a drain plan measures each VM's
 *   dirty rate when it orders by dirty rate (QEMU `calc-dirty-rate`'s default
 *   `calc-time` is 1 s).
 */
export const GUEST_STEP_NS = 10_000_000;
export const PLAN_PROBE_DURATION_NS = 1_000_000_000;

/** Guest RAM of every VM is one memslot at gfn 0, backed from this 1 GiB-aligned host virtual page. */
export const GUEST_RAM_HVA_PAGE = 1 << 18;
export const GUEST_RAM_SLOT_ID = 0;

export const NS_PER_MS = 1_000_000;
export const GIB = 1024 ** 3;
