import { Redis } from 'ioredis';
import { hashTagPrefix } from '../naming/queue-layout';
import type { JsonValue } from '../messages/envelope';
import type { Journal } from './journal';

export interface RedisJournalOptions {
  url: string;
  namespace: string;
}

/** Entries per RPUSH: one command stays short enough not to hold Redis up. */
const APPEND_CHUNK = 500;

/**
 * The journal in Redis: one list per key (`{migsim:<ns>}:journal:<key>`),
 * RPUSH to append (in one MULTI when a call has many entries), LRANGE to
 * read. The connection retries by itself while Redis is away, so an append
 * during an outage waits for Redis to come back rather than failing; with
 * Redis' append-only file on, what was appended survives a Redis restart.
 */
export class RedisJournal implements Journal {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisJournalOptions) {
    this.prefix = `${hashTagPrefix(options.namespace)}:journal:`;
    this.redis = new Redis(options.url, { maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(attempt * 50, 500) });
    // Connection errors while Redis is away: ioredis reconnects and the pending commands wait; the services' queue health reports the outage.
    this.redis.on('error', () => {});
  }

  async append(key: string, entries: readonly JsonValue[]): Promise<void> {
    if (entries.length === 0) return;
    const texts = entries.map((entry) => JSON.stringify(entry));
    if (texts.length <= APPEND_CHUNK) {
      await this.redis.rpush(this.prefix + key, ...texts);
      return;
    }
    const multi = this.redis.multi();
    for (let i = 0; i < texts.length; i += APPEND_CHUNK) multi.rpush(this.prefix + key, ...texts.slice(i, i + APPEND_CHUNK));
    await multi.exec();
  }

  async read(key: string): Promise<JsonValue[]> {
    const texts = await this.redis.lrange(this.prefix + key, 0, -1);
    return texts.map((text) => JSON.parse(text) as JsonValue);
  }

  async remove(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
