export { RunWorlds } from './run-worlds';
export { planShards } from './shard-plan';
export { ShardRuntime } from './shard-runtime';
export { CoordinatorRuntime, type CoordinatorCommand, type WindowRecord } from './coordinator-runtime';
export { runWindowsInProcess, type WindowsInProcessOptions } from './windows-in-process';
export { ShardWorker, type ShardWorkerDeps } from './services/shard-worker';
export { RunCoordinator, type RunCoordinatorDeps, type RunProgress, type RunSpec } from './services/run-coordinator';
export * from './services/run-naming';
export { runServicesInProcess, type ServicesInProcessOptions } from './services/services-in-process';
