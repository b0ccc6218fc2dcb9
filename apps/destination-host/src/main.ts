import 'reflect-metadata';
import { runHostWorker } from '@migsim/runtime/nest';

// A host worker serving the `destination-0` shard by default (MIGSIM_SHARDS / --shards; MIGSIM_CLAIM=1 claims one of a pool).
await runHostWorker('destination-host', 'destination-0', process.env, process.argv.slice(2));
