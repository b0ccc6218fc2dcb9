import type { EngineView, InvariantChecker } from './checker';

/**
 * A VM is never lost and never runs on two hosts: at every step each VM has
 * a home host and executes on at most one host — that one (none while
 * paused for switchover, or down with its crashed host).
 *
 * The one loss that is not a violation is the one the model predicts and
 * reports: a post-copy whose stream failed without post-copy recovery
 * (libs/migration reports `vmOutcome: 'lost'`; the migration's outcome and a
 * `vm-lost` event say so, and the scenario's checks can assert it). A VM
 * that ends up nowhere for any other reason is a violation.
 */
export const vmNeverLost: InvariantChecker = {
  kind: 'vm-never-lost',
  description: 'a VM is never lost and never runs on two hosts',
  check(view: EngineView) {
    for (const vm of view.vmsForCheck()) {
      if (vm.runningOn.length > 1) return `VM ${vm.name} runs on ${vm.runningOn.length} hosts at once: ${vm.runningOn.join(', ')}`;
      if (vm.state === 'lost') {
        if (vm.stateReason === undefined || vm.stateReason === '') return `VM ${vm.name} was lost with no migration failure to explain it`;
        continue;
      }
      if (vm.home === undefined) return `VM ${vm.name} has no host (state ${vm.state})`;
      if (vm.state === 'running' && vm.runningOn.length === 0) return `VM ${vm.name} is running but executes nowhere`;
      if (vm.runningOn.length === 1 && vm.runningOn[0] !== vm.home) {
        return `VM ${vm.name} executes on ${vm.runningOn[0]} but its memory lives on ${vm.home}`;
      }
    }
    return undefined;
  },
};
