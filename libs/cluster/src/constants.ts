/**
 * The cluster's fixed time constants (simulated ns).
 *
 * - `GUEST_STEP_NS` (10 ms): the step of a guest whose recovery is being
 *   measured (after a failed / cancelled migration or a dirty-bitmap probe),
 *   of a probed guest and of a post-copy guest on its destination, and the
 *   resolution of time-to-90/95/99 %. Migrating guests are instead run up to
 *   every event of their migration (QEMU's migration thread wakes at least
 *   once per 100 ms rate-limit window, and before every bitmap sync the guest
 *   has run up to that instant). Idle guests are not stepped at all: a VM
 *   that nothing migrates, probes or recovers runs at its own baseline.
 * - `PLAN_PROBE_DURATION_NS` (1 s): how long a drain plan measures each VM's
 *   dirty rate when it orders by dirty rate (QEMU `calc-dirty-rate`'s default
 *   `calc-time` is 1 s).
 * - `DEFAULT_CONTROL_LATENCY_NS` (5 ms): one way between the controller and a
 *   host (KubeVirt's virt-controller -> API server -> virt-handler, Nova's
 *   conductor -> compute RPC), unless the scenario's `network.controlLatency`
 *   says otherwise.
 * - `MIN_PATH_LATENCY_NS` (1 µs): the floor of a host-to-host message's
 *   latency (a scenario may give hosts a 0 access latency; a message still
 *   takes time).
 * - `LAZY_FLUSH_NS` (100 ms): how often a runtime applies the page data
 *   already delivered to actors that did not step since (a destination steps
 *   only at a migration's start and switchover), so the batches are freed
 *   young instead of piling up for the length of a migration. Where it is
 *   applied never changes what happens (see `Actor`'s lazy messages).
 */
export const GUEST_STEP_NS = 10_000_000;
export const PLAN_PROBE_DURATION_NS = 1_000_000_000;
export const DEFAULT_CONTROL_LATENCY_NS = 5_000_000;
export const MIN_PATH_LATENCY_NS = 1_000;
export const LAZY_FLUSH_NS = 100_000_000;

/** Guest RAM of every VM is one memslot at gfn 0, backed from this 1 GiB-aligned host virtual page. */
export const GUEST_RAM_HVA_PAGE = 1 << 18;
export const GUEST_RAM_SLOT_ID = 0;

export const NS_PER_MS = 1_000_000;
export const GIB = 1024 ** 3;
