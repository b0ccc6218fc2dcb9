import { Redis } from 'ioredis';
import { transportError } from '../errors';
import { hashTagPrefix } from '../naming/queue-layout';

export interface RedisStateStoreOptions {
  url: string;
  /** The deployment's namespace: every key is `{migsim:<namespace>}:<key>`. */
  namespace: string;
  /** A command not answered within this long fails (the caller retries later). */
  commandTimeoutMs?: number;
}

/** Keys are relative to the hash tag: letters, digits and `._:-`, never braces (they would change the cluster slot). */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;

/**
 * A small key-value store for a service's own state (the controller's runs
 * and reports), next to its queues: every key sits under the deployment's
 * hash tag, so it lives in the same Redis Cluster slot as the queues.
 *
 * Only the operations the services use: string get/set (and set-if-absent),
 * set add/members, ping. Commands fail fast while Redis is away (one reconnection attempt,
 * then an error; a timeout bounds every command) so the caller can keep its
 * state in memory and retry; the connection comes back on its own, at most
 * 200 ms after Redis does.
 */
export class RedisStateStore {
  readonly prefix: string;
  private readonly redis: Redis;

  constructor(options: RedisStateStoreOptions) {
    this.prefix = hashTagPrefix(options.namespace);
    const timeoutMs = options.commandTimeoutMs ?? 2_000;
    this.redis = new Redis(options.url, {
      maxRetriesPerRequest: 1,
      commandTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      // Reconnect soon after Redis is back: the controller acknowledges an event only once its state is saved.
      retryStrategy: (attempt) => Math.min(attempt * 20, 200),
    });
    // Failures reach the caller through the rejected command; the event would only repeat them.
    this.redis.on('error', () => {});
  }

  /** The value of `key`, or null when it is not set. */
  async get(key: string): Promise<string | null> {
    return this.redis.get(this.key(key));
  }

  async set(key: string, value: string): Promise<void> {
    await this.redis.set(this.key(key), value);
  }

  /** Sets `key` only when it is not set yet (SET NX); true when this call set it. */
  async setIfAbsent(key: string, value: string): Promise<boolean> {
    return (await this.redis.set(this.key(key), value, 'NX')) === 'OK';
  }

  /** Adds `member` to the set at `key` (a no-op when it is already there). */
  async addToSet(key: string, member: string): Promise<void> {
    await this.redis.sadd(this.key(key), member);
  }

  /** The members of the set at `key`, in no particular order; empty when the set does not exist. */
  async setMembers(key: string): Promise<string[]> {
    return this.redis.smembers(this.key(key));
  }

  /** True when Redis answers PONG. */
  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  /** Closes the connection; commands after this fail. */
  close(): void {
    this.redis.disconnect();
  }

  private key(key: string): string {
    if (!KEY_PATTERN.test(key)) {
      throw transportError('STATE_KEY_INVALID', `key ${JSON.stringify(key)}: expected letters, digits and "._:-" (at most 256), starting with a letter or digit`);
    }
    return `${this.prefix}:${key}`;
  }
}
