import type { Report } from '@migsim/report';
import type { RedisStateStore } from '@migsim/transport';
import type { RunRecord } from './run-record';

/**
 * Run state in Redis, under the deployment's hash tag so it sits in the same
 * cluster slot as the queues: `{migsim:<ns>}:controller:runs` (a set of ids),
 * `...:run:<id>` (the RunRecord as JSON), `...:report:<id>` (the report).
 */
export class RunStore {
  constructor(private readonly redis: RedisStateStore) {}

  async save(record: RunRecord): Promise<void> {
    await this.redis.set(`controller:run:${record.id}`, JSON.stringify(record));
    await this.redis.addToSet('controller:runs', record.id);
  }

  async saveReport(id: string, report: Report): Promise<void> {
    await this.redis.set(`controller:report:${id}`, JSON.stringify(report));
  }

  async loadReport(id: string): Promise<Report | null> {
    const text = await this.redis.get(`controller:report:${id}`);
    return typeof text === 'string' ? (JSON.parse(text) as Report) : null;
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
