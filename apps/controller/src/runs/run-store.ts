import type { Report } from '@migsim/report';
import type { RespClient } from '../redis/resp-client';
import type { RunRecord } from './run-record';

/**
 * Run state in Redis, under the deployment's hash tag so it sits in the same
 * cluster slot as the queues: `{migsim:<ns>}:controller:runs` (a set of ids),
 * `...:run:<id>` (the RunRecord as JSON), `...:report:<id>` (the report).
 */
export class RunStore {
  constructor(
    private readonly redis: RespClient,
    private readonly prefix: string,
  ) {}

  async save(record: RunRecord): Promise<void> {
    await this.redis.command('SET', `${this.prefix}:controller:run:${record.id}`, JSON.stringify(record));
    await this.redis.command('SADD', `${this.prefix}:controller:runs`, record.id);
  }

  async saveReport(id: string, report: Report): Promise<void> {
    await this.redis.command('SET', `${this.prefix}:controller:report:${id}`, JSON.stringify(report));
  }

  async loadReport(id: string): Promise<Report | null> {
    const text = await this.redis.command('GET', `${this.prefix}:controller:report:${id}`);
    return typeof text === 'string' ? (JSON.parse(text) as Report) : null;
  }

  async loadAll(): Promise<RunRecord[]> {
    const ids = await this.redis.command('SMEMBERS', `${this.prefix}:controller:runs`);
    const records: RunRecord[] = [];
    for (const id of Array.isArray(ids) ? ids : []) {
      const text = await this.redis.command('GET', `${this.prefix}:controller:run:${String(id)}`);
      if (typeof text === 'string') records.push(JSON.parse(text) as RunRecord);
    }
    return records.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async ping(): Promise<boolean> {
    return (await this.redis.command('PING')) === 'PONG';
  }
}
