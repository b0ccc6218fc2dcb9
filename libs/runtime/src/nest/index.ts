// NestJS side of libs/runtime: the host worker process shared by source-host and destination-host.
export { HostWorkerModule, runHostWorker } from './host-worker';
export { ShardMessagesController } from './shard-messages.controller';
export { SHARD_WORKERS, type ShardWorkers } from './shard-workers';
