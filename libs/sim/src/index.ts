export { simulate, runReport, MIGSIM_VERSION, type SimulateOptions } from './simulate';
export { estimateModelBytes, estimateVmModel, formatBytes, MODEL_BYTES, type ModelMemoryEstimate, type VmModelEstimate } from './memory-estimate';
export { EngineError, type EngineErrorCode } from './engine/engine-error';
export { WorldEngine, type WorldRunOptions, type WorldRunStats } from './world/world-engine';
export { VirtualClock, ClockError, type Clock } from './core/clock';
// The engine's building blocks live in libs/cluster, with the actors; re-exported for existing callers.
export {
  Rng,
  splitmix32,
  hashName,
  EventQueue,
  LinkModel,
  RecoveryRun,
  GUEST_STEP_NS,
  PLAN_PROBE_DURATION_NS,
  GUEST_RAM_HVA_PAGE,
  GUEST_RAM_SLOT_ID,
  buildVmModel as materializeVm,
  profileOf,
  type ScheduledEvent,
  type FlowSpec,
  type VmModel as MaterializedVm,
  type ClusterTestHooks as EngineTestHooks,
} from '@migsim/cluster';
