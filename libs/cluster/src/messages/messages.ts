import type { PageBatch, QueryMigrateInfo, RamLayoutSpec, SwitchoverCheck, SwitchoverVerification } from '@migsim/migration';
import type { MigrationOutcome, PhaseInterval } from '@migsim/report';
import type { DowntimeSteps, MigrationParams, ProbeMode } from '@migsim/scenario';
import type { WatchdogPolicy } from '@migsim/orchestration';

/**
 * Every message between the actors, one type per kind. They are plain JSON
 * data (no class instances, no functions, no `undefined` fields): the
 * services carry them through Redis unchanged, and libs/protocol validates
 * each kind at the edge.
 *
 * Naming: `attemptId` is `<migration id>#<attempt number>`, unique within a
 * variant; `migration` is the migration's id as in the scenario or plan.
 */

// ---- controller -> host ------------------------------------------------------

/** Start one attempt (QMP `migrate` on the source); the source's virt-handler watches its timeouts. */
export interface MigrationStart {
  kind: 'migration.start';
  migration: string;
  attempt: number;
  attemptId: string;
  vm: string;
  destination: string;
  params: MigrationParams;
  /** KubeVirt's timeouts, enforced on the source (virt-launcher's `liveMigrationMonitor`). */
  watchdog: WatchdogPolicy;
  /** Nova's stepped downtime, applied by the source's compute service; null when not configured. */
  downtimeSteps: DowntimeSteps | null;
  /** The flow's max-min fair share of the path now, and the path's one-way latency. */
  rateBytesPerSec: number;
  /** What the path has beside the other flows: the rate of the final stop-and-copy and of post-copy, which QEMU does not limit. */
  burstRateBytesPerSec: number;
  latencyNs: number;
  /** Send `migration.phase` for every phase change (the controller has phase-triggered faults for it). */
  reportPhases: boolean;
}

/** The flow's share or the path changed (a flow started or ended, a link fault or its revert). */
export interface MigrationRate {
  kind: 'migration.rate';
  attemptId: string;
  rateBytesPerSec: number;
  burstRateBytesPerSec: number;
  latencyNs: number;
  /** False while the path is down (link, NIC or host): a post-copy stream loses its channel. */
  pathUp: boolean;
}

/** QMP `migrate_cancel` (an operator, or a fault of the scenario). */
export interface MigrationCancel {
  kind: 'migration.cancel';
  attemptId: string;
  reason: string;
}

/** The host crashes: its VMs go down, migrations into and out of it fail. */
export interface HostCrash {
  kind: 'host.crash';
  reason: string;
}

/** A crashed host is back, empty. */
export interface HostRecover {
  kind: 'host.recover';
}

/** QEMU `calc-dirty-rate` on one VM. */
export interface ProbeStart {
  kind: 'probe.start';
  probe: string;
  vm: string;
  mode: ProbeMode;
  durationNs: number;
  /** Send `probe.ended` (a drain plan waits for the rate). */
  reportRate: boolean;
}

// ---- host -> controller ------------------------------------------------------

export interface MigrationPhase {
  kind: 'migration.phase';
  migration: string;
  attempt: number;
  vm: string;
  phase: string;
  round: number | null;
}

/** Where the VM is once an attempt ended on its source. */
export type VmAfterAttempt = 'on-source' | 'on-destination' | 'lost' | 'down';

/** An attempt ended on the source (or never started there); carries its whole record. */
export interface MigrationEnded {
  kind: 'migration.ended';
  migration: string;
  attempt: number;
  vm: string;
  outcome: Exclude<MigrationOutcome, 'unfinished'>;
  /** `error-desc`, the watchdog's message, or the refusal. */
  reason: string;
  startNs: number;
  endNs: number;
  phases: PhaseInterval[];
  info: QueryMigrateInfo;
  vmAfter: VmAfterAttempt;
  /** Guest work the VM lost on the source while the attempt ran (vCPU·ns); absent when it never started there. */
  lostWorkVcpuNs?: number;
}

/** The VM runs on this host now (pre-copy switchover, or the post-copy switch). */
export interface VmResumed {
  kind: 'vm.resumed';
  vm: string;
  host: string;
  migration: string;
  attempt: number;
}

export interface ProbeEnded {
  kind: 'probe.ended';
  probe: string;
  vm: string;
  /** Measured dirty rate (bytes/s); null when the probe could not run. */
  rateBytesPerSec: number | null;
}

// ---- source host <-> destination host (the migration stream) -----------------

/** QEMU `-incoming` on the destination; the VM's model moves with the switchover (`placement`). */
export interface StreamPrepare {
  kind: 'stream.prepare';
  attemptId: string;
  migration: string;
  attempt: number;
  vm: string;
  source: string;
  layout: RamLayoutSpec;
  memoryModel: 'pages' | 'fluid';
  latencyNs: number;
  rateBytesPerSec: number;
  /** The VM's model on the destination is its build number `placement` (each build draws from its own forked stream). */
  placement: number;
}

/** Pages on the stream; lazy while pre-copying (nothing reads them before the switchover check). */
export interface StreamBatch {
  kind: 'stream.batch';
  attemptId: string;
  batch: PageBatch;
}

/** After everything sent before it: check memory and start the VM (pre-copy) or finish post-copy. */
export interface StreamSwitch {
  kind: 'stream.resume' | 'stream.complete';
  attemptId: string;
  check: SwitchoverCheck;
}

export interface StreamDiscard {
  kind: 'stream.discard';
  attemptId: string;
  reason: string;
}

/** Post-copy: the source's share of the path changed (remote faults cost a round trip plus a page at it). */
export interface StreamRate {
  kind: 'stream.rate';
  attemptId: string;
  rateBytesPerSec: number;
  latencyNs: number;
}

/** The destination's answer to `stream.resume` / `stream.complete`. */
export interface StreamAnswer {
  kind: 'stream.resumed' | 'stream.completed';
  attemptId: string;
  verification: SwitchoverVerification;
}

/** Post-copy remote faults: the destination needs these pages now. */
export interface StreamPageRequest {
  kind: 'stream.page-request';
  attemptId: string;
  gfns: number[];
}

/** The destination went away (its host crashed): the source sees the connection fail. */
export interface StreamPeerLost {
  kind: 'stream.peer-lost';
  attemptId: string;
  reason: string;
}

export type ControllerToHost = MigrationStart | MigrationRate | MigrationCancel | HostCrash | HostRecover | ProbeStart;
export type HostToController = MigrationPhase | MigrationEnded | VmResumed | ProbeEnded;
export type HostToHost = StreamPrepare | StreamBatch | StreamSwitch | StreamDiscard | StreamRate | StreamAnswer | StreamPageRequest | StreamPeerLost;

export type ClusterMessage = ControllerToHost | HostToController | HostToHost;
export type ClusterMessageKind = ClusterMessage['kind'];

/** Every kind, for codecs and exhaustive tests. */
export const CLUSTER_MESSAGE_KINDS = [
  'migration.start',
  'migration.rate',
  'migration.cancel',
  'host.crash',
  'host.recover',
  'probe.start',
  'migration.phase',
  'migration.ended',
  'vm.resumed',
  'probe.ended',
  'stream.prepare',
  'stream.batch',
  'stream.resume',
  'stream.complete',
  'stream.discard',
  'stream.rate',
  'stream.resumed',
  'stream.completed',
  'stream.page-request',
  'stream.peer-lost',
] as const satisfies readonly ClusterMessageKind[];
