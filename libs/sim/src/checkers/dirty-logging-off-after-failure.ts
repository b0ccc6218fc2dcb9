import type { EngineView, InvariantChecker } from './checker';

/**
 * Dirty logging is off after every failed or cancelled migration (and after
 * a dirty-rate probe): a VM that nothing migrates or probes any more must
 * not keep its memslots logged — that is what leaves it on 4 KiB SPTEs and
 * PML exits forever.
 */
export const dirtyLoggingOffAfterFailure: InvariantChecker = {
  kind: 'dirty-logging-off-after-failure',
  description: 'dirty logging is off after every failed or cancelled migration',
  check(view: EngineView) {
    for (const vm of view.vmsForCheck()) {
      if (vm.state === 'lost' || vm.needsDirtyLogging) continue;
      if (vm.dirtyLoggingOn()) return `VM ${vm.name} still has dirty logging on with no migration or probe running`;
    }
    return undefined;
  },
};
