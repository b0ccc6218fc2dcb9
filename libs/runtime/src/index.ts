export * from './wire/run-messages';
export { RunWorlds, planShards } from './run-worlds';
export { ShardRuntime } from './shard-runtime';
export { CoordinatorRuntime, type CoordinatorCommand, type WindowRecord } from './coordinator-runtime';
export { runWindowsInProcess, type WindowsInProcessOptions } from './windows-in-process';
