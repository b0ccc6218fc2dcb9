import type { ShardWorker } from '../services/shard-worker';

/** The ShardWorker of each shard this process serves, by shard id. */
export const SHARD_WORKERS = Symbol('SHARD_WORKERS');
export type ShardWorkers = ReadonlyMap<string, ShardWorker>;
