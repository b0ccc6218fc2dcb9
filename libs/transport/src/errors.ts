/**
 * Stable codes of every error libs/transport throws at its callers.
 *
 * - `MESSAGE_*`: a body could not be decoded (or a message could not be
 *   encoded) by the codec registry; consumers dead-letter such messages.
 * - `JOB_ID_INVALID`, `QUEUE_NAME_INVALID`, `NAMESPACE_INVALID`: a name
 *   BullMQ or Redis Cluster would mishandle was refused before reaching Redis.
 * - `PAGE_BATCH_INVALID`: a page batch handed to the encoder breaks its rules.
 * - `STATE_KEY_INVALID`: a RedisStateStore key would leave the deployment's hash tag.
 * - `NO_HANDLER`: a consumer decoded a message it has no handler for; thrown
 *   by a handler, it dead-letters the message at once instead of retrying.
 * - `PORT_CLOSED`: the queue port (or consumer) was used after `close()`.
 * - `REDIS_UNAVAILABLE`: no Redis could be found or started.
 * - `REDIS_SERVER_FAILED`: a private redis-server did not come up or went away.
 */
export type TransportErrorCode =
  | 'MESSAGE_UNKNOWN_TYPE'
  | 'MESSAGE_UNKNOWN_VERSION'
  | 'MESSAGE_MALFORMED'
  | 'JOB_ID_INVALID'
  | 'QUEUE_NAME_INVALID'
  | 'NAMESPACE_INVALID'
  | 'PAGE_BATCH_INVALID'
  | 'STATE_KEY_INVALID'
  | 'NO_HANDLER'
  | 'PORT_CLOSED'
  | 'REDIS_UNAVAILABLE'
  | 'REDIS_SERVER_FAILED';

/** The error class of libs/transport: `code` is stable, `message` says what was expected. */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** No Redis could be had: not from REDIS_URL, not from redis-server, not from a container. */
export class RedisUnavailableError extends TransportError {
  override readonly name = 'RedisUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('REDIS_UNAVAILABLE', message, options);
  }
}

/** The one function that turns a code into an error, so call sites stay one line. */
export function transportError(code: TransportErrorCode, message: string, cause?: unknown): TransportError {
  if (code === 'REDIS_UNAVAILABLE') return new RedisUnavailableError(message, cause === undefined ? undefined : { cause });
  return new TransportError(code, message, cause === undefined ? undefined : { cause });
}

export function isTransportError(value: unknown, code?: TransportErrorCode): value is TransportError {
  return value instanceof TransportError && (code === undefined || value.code === code);
}
