import type { MigrationAlgorithm } from '@migsim/migration';
import type { ChaosSpec } from './chaos';
import type { KernelSpec } from './kernel';
import type { NetworkSpec } from './network';

/**
 * The normalised scenario: every default applied, every reference checked,
 * every quantity in base units (bytes, ns, bytes/s, fractions 0..1). Plain
 * data: it serialises to JSON deterministically.
 */
export interface Scenario extends ScenarioSetup {
  name: string;
  description: string;
  /** The name the file was loaded under, as given to `loadScenario`. */
  fileName: string;
  /** uint32; the CLI may override it. */
  seed: number;
  horizonNs: number;
  sampling: SamplingSpec;
  /*
   * hosts, vms, migrations, plans, probes, policy, faults, checks (from
   * ScenarioSetup): the configuration as written, before any variant.
   */
  /**
   * What to run: every variant fully resolved. When the file declares no
   * variants this holds one variant named "default" equal to the base setup.
   */
  variants: ScenarioVariant[];
}

export interface SamplingSpec {
  /** Report sample interval. */
  intervalNs: number;
  /** At most this many points per timeline; the report thins longer ones. */
  maxTimelinePoints: number;
  /** Which VMs get a timeline (and a `vms` entry) in the report. */
  vms: VmSampling;
}

/**
 * `all`: every VM; `none`: none (VMs with a recovery still get their entry);
 * `interesting`: the VMs of the most interesting migrations once the run is
 * over (the failed, the slowest, the most degraded); or the named VMs.
 */
export type VmSampling = 'all' | 'none' | 'interesting' | { names: string[] };

/** Everything one run needs; a variant is a complete setup of its own. */
export interface ScenarioSetup {
  hosts: HostSpec[];
  vms: VmSpec[];
  migrations: MigrationSpec[];
  plans: PlanSpec[];
  probes: ProbeSpec[];
  policy: PolicySpec;
  faults: FaultSpec[];
  checks: CheckSpec[];
  /** Random faults each run's seed draws (absent when the file has no chaos section). */
  chaos?: ChaosSpec;
  /** Racks, uplinks, core, dedicated migration network (absent: every host on one non-blocking switch). */
  network?: NetworkSpec;
}

export interface ScenarioVariant extends ScenarioSetup {
  name: string;
  description: string;
}

export interface HostSpec {
  name: string;
  /** NIC rate, each direction. */
  linkBytesPerSec: number;
  /** One-way network latency added to every message and remote page fault. */
  latencyNs: number;
  memoryBytes: number;
  vcpus: number;
  kernel: KernelSpec;
  /** Hardware TLB profile name (libs/guest `TLB_PROFILES`). */
  tlbProfile: string;
}

export type Backing = 'thp' | 'hugetlb-2m' | 'hugetlb-1g' | '4k';
export type AccessPattern = 'uniform' | 'zipf' | 'hot-cold' | 'sequential';

export interface VmSpec {
  name: string;
  /** Host the VM runs on at time 0. */
  host: string;
  memoryBytes: number;
  vcpus: number;
  backing: Backing;
  /** Share of THPs the host has split (still compound, so not huge-mappable). 0 unless backing is thp. */
  thpSplitFraction: number;
  workload: WorkloadSpec;
  /** Anti-affinity group: drains never place two VMs of one group on one host. Absent: none. */
  antiAffinity?: string;
}

/**
 * With the VM's `vcpus` and `memoryBytes` this is the `WorkloadSpec` of
 * @migsim/guest: `{ vcpus, memoryBytes, ...workload }`.
 */
export interface WorkloadSpec {
  pattern: AccessPattern;
  workingSetBytes: number;
  writeWorkingSetBytes: number;
  /** Page-write rate (pages x 4096 per second). */
  dirtyRateBytesPerSec: number;
  writeFraction: number;
  /** Memory accesses per second per vCPU that reach the TLB as new places. */
  accessesPerSecPerVcpu: number;
  zipfExponent: number;
  hotFraction: number;
  hotAccessShare: number;
  /** Share of guest memory the guest maps with its own 2M pages (guest THP). */
  guestThpFraction: number;
}

export type { MigrationAlgorithm };

/** QEMU's migration parameters and capabilities, resolved against the policy. */
export interface MigrationParams {
  downtimeLimitNs: number;
  /** null: not rate limited (QEMU max-bandwidth 0, KubeVirt bandwidthPerMigration 0). */
  maxBandwidthBytesPerSec: number | null;
  cpuThrottleInitialPct: number;
  cpuThrottleIncrementPct: number;
  maxCpuThrottlePct: number;
  autoConverge: boolean;
  postcopyRam: boolean;
  /** When to switch to post-copy; null: only when the policy forces completion. */
  postcopyAfter: PostcopyTrigger | null;
  postcopyRecovery: boolean;
  algorithm: MigrationAlgorithm;
}

export type PostcopyTrigger = { type: 'elapsed'; afterNs: number } | { type: 'round'; round: number };

export interface MigrationSpec {
  id: string;
  vm: string;
  /** Destination host. */
  to: string;
  atNs: number;
  params: MigrationParams;
}

export type DrainOrder = 'name' | 'largest-first' | 'smallest-first' | 'highest-dirty-rate' | 'lowest-dirty-rate' | 'dirty-rate';
/** How a drain picks each VM's destination (`least-loaded`: most free memory). */
export type DrainDestination = 'least-loaded' | 'same-rack-first';
export type ProbeMode = 'dirty-bitmap' | 'page-sampling';

/** Migrations generated by the controller. A generated migration's id is `<plan id>/<vm name>`. */
export type PlanSpec = DrainPlan | BalancePlan;

export interface DrainPlan {
  kind: 'drain';
  id: string;
  /** Hosts to empty, in the order written (ranges in numeric order). */
  hosts: string[];
  atNs: number;
  /** Candidate destinations, in declaration order. */
  to: string[];
  order: DrainOrder;
  destination: DrainDestination;
  /** How dirty rates are measured for the dirty-rate orders (null for the others). */
  probe: ProbeMode | null;
  params: MigrationParams;
}

export interface BalancePlan {
  kind: 'balance';
  id: string;
  hosts: string[];
  atNs: number;
  /** Stop when the memory utilisation of the fullest and emptiest host differ by at most this. */
  tolerance: number;
  maxMigrations: number | null;
  params: MigrationParams;
}

/** A dirty-rate measurement of one VM. */
export interface ProbeSpec {
  id: string;
  vm: string;
  atNs: number;
  durationNs: number;
  mode: ProbeMode;
}

export type TimeoutAction = 'abort' | 'force_complete';

export interface PolicySpec {
  parallelMigrationsPerCluster: number;
  parallelOutboundMigrationsPerNode: number;
  /** null: no inbound cap. */
  parallelInboundMigrationsPerNode: number | null;
  /** null: no policy cap (QEMU's max-bandwidth default applies unless 0 was written). */
  bandwidthPerMigrationBytesPerSec: number | null;
  /** Completion timeout = this x the VM's memory in GiB; 0 disables it. */
  completionTimeoutNsPerGiB: number;
  /** Abort when the remaining data has not shrunk for this long; 0 disables it. */
  progressTimeoutNs: number;
  allowAutoConverge: boolean;
  allowPostCopy: boolean;
  allowWorkloadDisruption: boolean;
  /** As written (Nova `live_migration_timeout_action`). */
  liveMigrationTimeoutAction: TimeoutAction;
  /**
   * What the completion timeout does: `force_complete` when Nova's action says
   * so or KubeVirt's `allowWorkloadDisruption` is true (switch to post-copy if
   * the migration may, otherwise pause the VM and finish); `abort` otherwise.
   */
  completionTimeoutAction: TimeoutAction;
  /** Nova's stepped downtime; null when none of its keys is written. */
  downtimeSteps: DowntimeSteps | null;
  retries: RetryPolicy;
}

export interface DowntimeSteps {
  /** Final downtime limit (Nova `live_migration_downtime`). */
  maxDowntimeNs: number;
  steps: number;
  /** Delay between steps, per GiB of guest memory (Nova `live_migration_downtime_delay`). */
  delayNsPerGiB: number;
}

export interface RetryPolicy {
  /** Attempts after the first; 0 = no retry. */
  max: number;
  /** Delay before the first retry; each next delay is multiplied by `multiplier`, up to `maxBackoffNs`. */
  backoffNs: number;
  multiplier: number;
  maxBackoffNs: number;
}

export type MigrationPhase = 'setup' | 'round' | 'stop-and-copy' | 'postcopy';

export type FaultTrigger =
  | { type: 'at'; atNs: number }
  /** Fires `afterNs` after the migration enters `phase` (for `round`, round number `round`, counted from 1). */
  | { type: 'phase'; migration: string; phase: MigrationPhase; round: number | null; afterNs: number };

/**
 * A network path: a host's whole NIC (both directions), the path from one
 * host to another, or the path of a migration as it runs when the fault
 * fires (a plan's migration, whose destination is chosen at run time).
 */
export type LinkTarget = { type: 'host'; host: string } | { type: 'path'; from: string; to: string } | { type: 'migration'; migration: string };

interface FaultBase {
  /** Index in the file's `faults` list: stable identity for reports. */
  index: number;
  description: string;
  trigger: FaultTrigger;
}

export interface DestinationCrashFault extends FaultBase {
  kind: 'destination-crash';
  /**
   * The host that crashes; null: the destination of the trigger's migration
   * when the fault fires (a plan's migration, whose destination is chosen
   * at run time).
   */
  host: string | null;
  /** Time until the host is back (empty); null: down until the horizon. */
  durationNs: number | null;
}

export interface LinkDownFault extends FaultBase {
  kind: 'link-down';
  link: LinkTarget;
  durationNs: number | null;
}

export interface BandwidthDropFault extends FaultBase {
  kind: 'bandwidth-drop';
  link: LinkTarget;
  /** Capacity of the link while the fault lasts. */
  bandwidthBytesPerSec: number;
  durationNs: number | null;
}

export interface LatencyFault extends FaultBase {
  kind: 'latency';
  link: LinkTarget;
  /** Added one-way latency. */
  latencyNs: number;
  durationNs: number | null;
}

export interface MigrationCancelFault extends FaultBase {
  kind: 'migration-cancel';
  migration: string;
}

export type FaultSpec = DestinationCrashFault | LinkDownFault | BandwidthDropFault | LatencyFault | MigrationCancelFault;
export type FaultKind = FaultSpec['kind'];

interface CheckBase {
  name: string;
  /** Variant names the check applies to; null: all. */
  variants: string[] | null;
}

/** The VM's throughput reaches `toFraction` of baseline within `withinNs` of dirty logging being switched off. */
export interface RecoversCheck extends CheckBase {
  kind: 'recovers';
  vm: string;
  toFraction: number;
  withinNs: number;
}

/** Each migration's downtime stays within `budgetNs`, or its own downtime-limit when null. */
export interface DowntimeWithinBudgetCheck extends CheckBase {
  kind: 'downtime-within-budget';
  /** null: every migration. */
  migration: string | null;
  budgetNs: number | null;
}

export type MigrationOutcome = 'completed' | 'failed' | 'cancelled' | 'aborted';

export interface MigrationOutcomeCheck extends CheckBase {
  kind: 'migration-outcome';
  migration: string;
  outcome: MigrationOutcome;
}

/** No VM runs on `host` any more by `byNs` (null: by the horizon). */
export interface HostDrainedCheck extends CheckBase {
  kind: 'host-drained';
  host: string;
  byNs: number | null;
}

/**
 * Liveness: every migration ends (completed, failed, cancelled or aborted;
 * none still queued or running) by `byNs` (null: by the horizon).
 */
export interface MigrationsEndCheck extends CheckBase {
  kind: 'migrations-end';
  byNs: number | null;
}

/**
 * Liveness: every VM whose dirty logging was switched off after a failed,
 * aborted or cancelled migration is back to `toFraction` of its baseline
 * within `withinNs` of that moment.
 */
export interface VmsRecoverCheck extends CheckBase {
  kind: 'vms-recover';
  toFraction: number;
  withinNs: number;
}

export type CheckSpec = RecoversCheck | DowntimeWithinBudgetCheck | MigrationOutcomeCheck | HostDrainedCheck | MigrationsEndCheck | VmsRecoverCheck;
export type CheckKind = CheckSpec['kind'];
