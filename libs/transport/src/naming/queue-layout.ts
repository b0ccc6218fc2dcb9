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
 *   {migsim:<ns>}:host.<host>.commands   controller -> one host
 *   {migsim:<ns>}:controller.events      every host -> the controller
 *   {migsim:<ns>}:migration.pages.<dst>  source host -> destination host's page stream
 *   {migsim:<ns>}:dead-letter            messages no consumer could take, with the reason
 */
export interface QueueLayout {
  readonly namespace: string;
  /** BullMQ `prefix`, the deployment's hash tag: `{migsim:<namespace>}`. */
  readonly prefix: string;
  hostCommands(host: string): string;
  readonly controllerEvents: string;
  migrationPages(destinationHost: string): string;
  readonly deadLetter: string;
  /** `<prefix>:<queue>`, the qualified name BullMQ puts in front of every key of `queue`. */
  qualified(queue: string): string;
}

/** Namespace and host names: letters, digits, `-` and `_` (no `.`, `:`, `{`, `}` or `~`). */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Queue names: dot-separated names as built below; never `:` (BullMQ rejects it) nor braces. */
const QUEUE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const DEAD_LETTER_QUEUE = 'dead-letter';
export const CONTROLLER_EVENTS_QUEUE = 'controller.events';

export function hashTagPrefix(namespace: string): string {
  assertName(namespace, 'namespace', 'NAMESPACE_INVALID');
  return `{migsim:${namespace}}`;
}

export function queueLayout(namespace: string): QueueLayout {
  const prefix = hashTagPrefix(namespace);
  return {
    namespace,
    prefix,
    hostCommands: (host) => `host.${assertName(host, 'host name', 'QUEUE_NAME_INVALID')}.commands`,
    controllerEvents: CONTROLLER_EVENTS_QUEUE,
    migrationPages: (destinationHost) => `migration.pages.${assertName(destinationHost, 'destination host name', 'QUEUE_NAME_INVALID')}`,
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

function assertName(value: string, what: string, code: 'NAMESPACE_INVALID' | 'QUEUE_NAME_INVALID'): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw transportError(code, `${what} ${JSON.stringify(value)}: expected 1-64 letters, digits, '-' or '_', starting with a letter or digit`);
  }
  return value;
}
