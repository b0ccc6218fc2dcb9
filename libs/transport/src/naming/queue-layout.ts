import { transportError } from '../errors';

/**
 * Queue layout of one migsim deployment (a "namespace": one run of the
 * distributed stack, or one test).
 *
 * Every Redis key BullMQ creates is `<prefix>:<queue>:<suffix>`, and the
 * prefix is the hash tag `{migsim:<namespace>}`. Redis Cluster hashes only the
 * text inside the first `{…}`, so every key of a namespace — every queue, job,
 * lock, event stream — lands in one slot: BullMQ's Lua scripts touch many
 * keys at once, and anything that spans queues (flows, a MULTI over two
 * queues) is only legal on a cluster when all of them share a slot.
 * Queue names themselves carry no braces: the first `{…}` wins, so a second
 * tag would only confuse readers.
 *
 *   {migsim:<ns>}:coordinator     every shard worker -> the coordinator    (libs/runtime run-naming.ts)
 *   {migsim:<ns>}:shard.<id>      the coordinator -> one shard's worker    (libs/runtime run-naming.ts)
 *   {migsim:<ns>}:dead-letter     messages no consumer could take, with the reason
 */
export interface QueueLayout {
  readonly namespace: string;
  /** BullMQ `prefix`, the deployment's hash tag: `{migsim:<namespace>}`. */
  readonly prefix: string;
  readonly deadLetter: string;
  /** `<prefix>:<queue>`, the qualified name BullMQ puts in front of every key of `queue`. */
  qualified(queue: string): string;
}

/** Namespace names: letters, digits, `-` and `_` (no `.`, `:`, `{`, `}` or `~`). */
const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Queue names: dot-separated names (`shard.source-0`); never `:` (BullMQ rejects it) nor braces. */
const QUEUE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const DEAD_LETTER_QUEUE = 'dead-letter';

export function hashTagPrefix(namespace: string): string {
  assertNamespace(namespace);
  return `{migsim:${namespace}}`;
}

export function queueLayout(namespace: string): QueueLayout {
  const prefix = hashTagPrefix(namespace);
  return {
    namespace,
    prefix,
    deadLetter: DEAD_LETTER_QUEUE,
    qualified: (queue) => `${prefix}:${assertQueueName(queue)}`,
  };
}

export function assertQueueName(queue: string): string {
  if (typeof queue !== 'string' || !QUEUE_NAME_PATTERN.test(queue)) {
    throw transportError(
      'QUEUE_NAME_INVALID',
      `queue name ${JSON.stringify(queue)}: expected 1-128 letters, digits, '.', '-' or '_' (no ':' or braces; the hash tag lives in the prefix)`,
    );
  }
  return queue;
}

function assertNamespace(namespace: string): string {
  if (typeof namespace !== 'string' || !NAMESPACE_PATTERN.test(namespace)) {
    throw transportError('NAMESPACE_INVALID', `namespace ${JSON.stringify(namespace)}: expected 1-64 letters, digits, '-' or '_', starting with a letter or digit`);
  }
  return namespace;
}
