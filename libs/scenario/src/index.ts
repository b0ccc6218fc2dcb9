/**
 * @migsim/scenario: the scenario file a user writes, validated with
 * path-named errors and normalised into a fully defaulted `Scenario` in base
 * units (bytes, ns, bytes/s, fractions). Pure: the caller reads the file.
 */
export { loadScenario, parseScenarioObject } from './load-scenario';
export { scenarioJsonSchema } from './json-schema';
export { scenarioReferenceMarkdown } from './reference-doc';
export { faultOf, flowCapOf } from './model/fault-mapping';
export { ScenarioError, ScenarioErrorCode, formatProblems, type Problem } from './errors/scenario-error';

export type {
  Scenario,
  ScenarioSetup,
  ScenarioVariant,
  SamplingSpec,
  HostSpec,
  VmSpec,
  Backing,
  AccessPattern,
  WorkloadSpec,
  MigrationSpec,
  MigrationParams,
  MigrationAlgorithm,
  PostcopyTrigger,
  PlanSpec,
  DrainPlan,
  BalancePlan,
  DrainOrder,
  DrainDestination,
  VmSampling,
  ProbeSpec,
  ProbeMode,
  PolicySpec,
  TimeoutAction,
  DowntimeSteps,
  RetryPolicy,
  MigrationPhase,
  FaultTrigger,
  LinkTarget,
  FaultSpec,
  FaultKind,
  DestinationCrashFault,
  LinkDownFault,
  BandwidthDropFault,
  LatencyFault,
  MigrationCancelFault,
  CheckSpec,
  CheckKind,
  RecoversCheck,
  DowntimeWithinBudgetCheck,
  MigrationOutcomeCheck,
  MigrationOutcome,
  HostDrainedCheck,
  MigrationsEndCheck,
  VmsRecoverCheck,
} from './model/scenario';
export { KERNEL_PRESET_NAMES, type KernelSpec, type KernelPreset } from './model/kernel';
export { toMigrationParameters, toMigrationPolicy, UNLIMITED_BANDWIDTH_BYTES_PER_SEC } from './model/migration-parameters';
export { FAULT_KINDS } from './document/fault-kinds';
export { CHECK_KINDS } from './document/check-kinds';
export { TLB_PROFILE_NAMES } from './document/host-schema';
export { SCENARIO_LIMITS, type ScenarioLimits } from './limits/scenario-limits';
export { vmsWithModels } from './model/vms-with-models';

export { parseSize, SIZE_UNITS } from './units/size';
export { parseRate, RATE_UNITS } from './units/rate';
export { parseDuration, type DurationOptions } from './units/duration';
export { parseFraction } from './units/fraction';
export { formatSize, formatRate, formatDuration, formatPercent } from './units/format-units';
export type { UnitResult } from './units/unit-result';

// Random faults: the chaos section (drawn by libs/cluster's drawChaos).
export type {
  ChaosSpec,
  ChaosKindSpec,
  ChaosKindName,
  ChaosTargets,
  ChaosPhase,
  ChaosMigration,
  Distribution,
  HostCrashChaos,
  LinkDownChaos,
  LinkFlapChaos,
  BandwidthDropChaos,
  LatencySpikeChaos,
  CancelChaos,
  DestinationUnavailableChaos,
} from './model/chaos';
export { CHAOS_KINDS, CHAOS_KIND_NAMES } from './document/chaos-schema';
export { faultsFromEntries } from './normalize/fault-entries';
export { variantDocument } from './normalize/variant-document';

// Load studies: generated populations, host sets, racks.
export type { NetworkSpec, RackSpec, MigrationNetworkSpec } from './model/network';
export { compareNatural, sortNatural } from '@migsim/orchestration';
export { SAMPLE_ALL_VMS_UP_TO } from './normalize/vm-sampling';
