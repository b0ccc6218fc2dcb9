export { simulate, MIGSIM_VERSION, type SimulateOptions } from './simulate';
export { EngineError, type EngineErrorCode } from './engine/engine-error';
export type { EngineTestHooks } from './engine/engine-hooks';
export { GUEST_STEP_NS, PLAN_PROBE_DURATION_NS, GUEST_RAM_HVA_PAGE, GUEST_RAM_SLOT_ID } from './engine/constants';
export { materializeVm, profileOf, type MaterializedVm } from './engine/vm-materializer';
export { RecoveryRun, type RecoveryTrigger } from './engine/recovery-run';
export { VirtualClock, ClockError, type Clock } from './core/clock';
export { Rng, splitmix32, hashName } from '@migsim/cluster';
export { EventQueue, type ScheduledEvent } from '@migsim/cluster';
export { LinkModel, type FlowSpec } from '@migsim/cluster';
export { PageVersionTracker } from './engine/page-version-tracker';
export {
  CheckerRunner,
  type InvariantChecker,
  type CheckerOutcome,
  type EngineView,
  type VmView,
  type MigrationView,
  type SwitchoverView,
  type VmRunState,
} from './checkers/checker';
export { INVARIANT_CHECKERS } from './checkers/invariant-checkers';
export { vmNeverLost } from './checkers/vm-never-lost';
export { memoryEqualAtSwitchover } from './checkers/memory-equal-at-switchover';
export { dirtyLoggingOffAfterFailure } from './checkers/dirty-logging-off-after-failure';
export { admissionCaps } from './checkers/admission-caps';
