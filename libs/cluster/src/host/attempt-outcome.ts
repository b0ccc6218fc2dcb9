import type { OperationReport } from '@migsim/mmu';
import type { TerminalAction } from '@migsim/migration';
import type { MigrationOutcome } from '@migsim/report';
import type { VmAfterAttempt } from '../messages/messages';
import type { HostPort } from './host-port';
import type { HostedVm } from './hosted-vm';

export type EndedOutcome = Exclude<MigrationOutcome, 'unfinished'>;

/**
 * How an attempt ended, as KubeVirt reports it: `aborted` when the watchdog
 * gave up (its message is the reason), `cancelled` for an operator's cancel,
 * `failed` with QEMU's error otherwise.
 */
export function attemptOutcome(terminal: TerminalAction, abortReason: string | undefined, cancelReason: string | undefined): { outcome: EndedOutcome; reason: string } {
  if (terminal.type === 'completed') return { outcome: 'completed', reason: 'completed' };
  if (abortReason !== undefined) return { outcome: 'aborted', reason: abortReason };
  if (terminal.type === 'cancelled') return { outcome: 'cancelled', reason: cancelReason ?? 'cancelled' };
  return { outcome: 'failed', reason: terminal.reason };
}

/**
 * What becomes of the VM on its source once the attempt ended: it left
 * (completed), it is lost (a post-copy that failed without recovery), or it
 * runs on here and its recovery is measured from the moment dirty logging
 * went off (libs/mmu ran the host's strategy in the machine's cleanup).
 */
export function settleVmOnSource(
  host: HostPort,
  vm: HostedVm,
  migration: string,
  terminal: TerminalAction,
  ended: { outcome: EndedOutcome; reason: string },
  resumeOnSource: () => void,
): VmAfterAttempt {
  if (terminal.type === 'completed') {
    host.releaseVm(vm);
    return 'on-destination';
  }
  if (terminal.recovery.vmOutcome === 'lost') {
    vm.state = 'lost';
    vm.stateReason = `${migration}: ${ended.reason}`;
    vm.discardModel();
    host.event('vm-lost', vm.name, vm.stateReason);
    host.highlight(vm);
    return 'lost';
  }
  if (host.hooks.forgetVmAfterFailure === true) {
    vm.state = 'migrated';
    vm.discardModel();
    host.touch(vm);
    return 'on-source';
  }
  if (vm.forcePaused) resumeOnSource();
  if (vm.state === 'running' && vm.isBuilt) {
    if (host.hooks.keepDirtyLoggingAfterFailure === true) vm.built.mmu.setDirtyLogging(0, true);
    const trigger = ended.outcome === 'aborted' ? 'migration-aborted' : ended.outcome === 'cancelled' ? 'migration-cancelled' : 'migration-failed';
    host.startRecovery(vm, trigger, migration, terminal.recovery.disableLogging as readonly OperationReport[]);
  }
  return 'on-source';
}
