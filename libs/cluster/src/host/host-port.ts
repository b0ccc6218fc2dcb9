import type { HostSpec, Scenario, ScenarioVariant, VmSpec } from '@migsim/scenario';
import type { OperationReport } from '@migsim/mmu';
import type { RecoveryReport } from '@migsim/report';
import type { ClusterMessage, HostToController } from '../messages/messages';
import type { ClusterTestHooks } from '../world/test-hooks';
import type { HostedVm } from './hosted-vm';

export type RecoveryTrigger = RecoveryReport['trigger'];

/**
 * What the parts of a host actor (its outgoing and incoming migrations,
 * probes) may ask of the host: time, messages, timers, events and the VMs.
 * Only the host actor implements it.
 */
export interface HostPort {
  readonly name: string;
  readonly spec: HostSpec;
  readonly scenario: Scenario;
  readonly variant: ScenarioVariant;
  readonly hooks: ClusterTestHooks;
  readonly controlLatencyNs: number;
  /** Whether the host is up (a crashed host does nothing until it recovers). */
  readonly up: boolean;
  nowNs(): number;
  /** A report event at the current time. */
  event(kind: string, subject: string, detail: string): void;
  toController(message: HostToController): void;
  /** A message on a migration stream to another host, one path latency away. */
  toHost(host: string, message: ClusterMessage, latencyNs: number, lazy?: boolean): void;
  /** Runs `run` at `atNs` (after what is already scheduled then). */
  at(atNs: number, run: () => void): void;
  /** Steps the guest every GUEST_STEP_NS while it runs on its own (recovery, probe, post-copy). */
  startStepping(vm: HostedVm): void;
  /** The VM's state changed: check it after this step. */
  touch(vm: HostedVm): void;
  /** Something worth seeing happened to the VM (a pause, a failure, an arrival): sample it finely for a while. */
  highlight(vm: HostedVm): void;
  vm(name: string): HostedVm | undefined;
  /** A VM arrives (switchover): built here from `spec` as placement `placements`. */
  adoptVm(spec: VmSpec, placements: number, executing: boolean): HostedVm;
  /** The VM left this host (completed migration): its model is freed, its report stays. */
  releaseVm(vm: HostedVm): void;
  startRecovery(vm: HostedVm, trigger: RecoveryTrigger, cause: string, disableReports: readonly OperationReport[]): void;
  /** Records a switchover the destination checked (the judge reads these). */
  recordSwitchover(fact: { migration: string; vm: string; verified: boolean | null; detail: string; mode: string }): void;
  /** Records the attempt interval a source ran (the admission check reads these). */
  recordTransfer(fact: { attemptId: string; destination: string; startNs: number; endNs: number }): void;
}
