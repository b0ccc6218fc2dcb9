import { QEMU_PARAMETER_RANGES } from '@migsim/migration';

/**
 * What a scenario may ask for, so that every file the loader accepts runs.
 * Each limit names the cost it keeps in bounds (measured on a 2-core
 * machine; see the README's "Limits"). Memory is the other guard: a valid
 * scenario whose models would not fit is refused by the CLI and the
 * controller from libs/sim's `estimateModelBytes`.
 */
export const SCENARIO_LIMITS = Object.freeze({
  /** Characters of scenario text: parsing takes about 3 s and 160 MB per MB of YAML. */
  textChars: 4 * 1024 * 1024,
  /** Hosts, counts included (the project's studies: 2,000). */
  hosts: 50_000,
  /** VMs, counts included (the project's studies: 20,000). */
  vms: 500_000,
  /** Hosts and VMs summed over the variants: each variant is a complete setup of its own. */
  setupEntities: 1_000_000,
  variants: 100,
  migrations: 100_000,
  plans: 1_000,
  probes: 10_000,
  faults: 10_000,
  checks: 10_000,
  /** Timeline points of a report (about 200 bytes of JSON each: 200 MB at most). */
  reportTimelinePoints: 1_000_000,
  /** Timelines a report keeps with `sampling.vms: interesting` (the report's INTERESTING_VM_COUNT, 12). */
  interestingTimelines: 12,
  /**
   * Slowest NIC, and slowest bandwidth a bandwidth-drop leaves: 1 Mbps.
   * QEMU counts in `ram.transferred` what it wrote to the socket, and the
   * kernel's socket buffer takes up to 4 MiB before the link carries any of
   * it: more than 30 s of traffic below 1 Mbps, so the figure would say
   * little about the link. A link that carries nothing is a link-down.
   */
  minLinkBytesPerSec: 125_000,
  /**
   * Fastest NIC, and fastest bandwidth a bandwidth-drop leaves: 10 Tbps
   * (today's fastest NICs run at 800 Gbps). A 4 KiB page then takes 3.3 ns
   * on the wire; at 1 Pbps it took 0.03 ns, below the nanosecond clock the
   * migrations are stepped on, and a migration could stop making progress.
   */
  maxLinkBytesPerSec: 1_250_000_000_000,
  /** QEMU's downtime-limit range (migrate_params_check), in ns. */
  downtimeLimitMaxNs: QEMU_PARAMETER_RANGES['downtime-limit'].max * 1_000_000,
});

export type ScenarioLimits = typeof SCENARIO_LIMITS;
