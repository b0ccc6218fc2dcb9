import type { Report } from '@migsim/report';
import type { RedisStateStore } from '@migsim/transport';
import type { RunRecord } from './run-record';

/**
 * Run state in Redis, under the deployment's hash tag so it sits in the same
 * cluster slot as the queues: `{migsim:<ns>}:controller:runs` (a set of ids),
 * `...:run:<id>` (the RunRecord as JSON), `...:report:<id>` (the report's
 * JSON text, exactly as rendered).
 */
export class RunStore {
  constructor(private readonly redis: RedisStateStore) {}

  async save(record: RunRecord): Promise<void> {
    await this.redis.set(`controller:run:${record.id}`, JSON.stringify(record));
    await this.redis.addToSet('controller:runs', record.id);
  }

  async saveReport(id: string, json: string): Promise<void> {
    await this.redis.set(`controller:report:${id}`, json);
  }

  async loadReport(id: string): Promise<string | null> {
    const text = await this.redis.get(`controller:report:${id}`);
    return typeof text === 'string' ? text : null;
  }

  async loadAll(): Promise<RunRecord[]> {
    const ids = await this.redis.setMembers('controller:runs');
    const records: RunRecord[] = [];
    for (const id of ids) {
      const text = await this.redis.get(`controller:run:${id}`);
      if (typeof text === 'string') records.push(JSON.parse(text) as RunRecord);
    }
    return records.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  ping(): Promise<boolean> {
    return this.redis.ping();
  }
}

/** A report's JSON as the store keeps it, parsed for the API. */
export function parseStoredReport(json: string): Report {
  return JSON.parse(json) as Report;
}
