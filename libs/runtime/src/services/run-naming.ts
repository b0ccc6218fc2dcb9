import { encodeIdPart } from '@migsim/transport';

/**
 * Queues, job ids and journal keys of the window protocol. Queue names sit
 * under the deployment's hash tag (libs/transport's queue layout), so a run
 * lives in one Redis Cluster slot. Job ids name what a message is — a run's
 * window and shard — so a re-send is a no-op.
 *
 *   coordinator      every shard -> the coordinator (window-done, run-facts)
 *   shard.<id>       the coordinator -> one shard (run-start, window-open, run-finish)
 */
export function coordinatorQueue(): string {
  return 'coordinator';
}

export function shardQueue(shard: string): string {
  return `shard.${shard}`;
}

export function startJobId(run: string, shard: string): string {
  return `${encodeIdPart(run)}~start~${encodeIdPart(shard)}`;
}

export function openJobId(run: string, window: number, shard: string): string {
  return `${encodeIdPart(run)}~open~${window}~${encodeIdPart(shard)}`;
}

export function doneJobId(run: string, window: number, shard: string): string {
  return `${encodeIdPart(run)}~done~${window}~${encodeIdPart(shard)}`;
}

export function finishJobId(run: string, shard: string): string {
  return `${encodeIdPart(run)}~finish~${encodeIdPart(shard)}`;
}

export function factsJobId(run: string, shard: string): string {
  return `${encodeIdPart(run)}~facts~${encodeIdPart(shard)}`;
}

export function shardJournalKey(run: string, shard: string): string {
  return `${run}:shard:${shard}`;
}

export function coordinatorJournalKey(run: string): string {
  return `${run}:coordinator`;
}
