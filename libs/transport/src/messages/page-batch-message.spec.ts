import { describe, expect, it } from 'vitest';
import { parseMigrationJobId } from '../naming/job-id';
import { pageBatchJobId, pageBatchMessage, readPageBatch, type PageBatchMessageV1 } from './page-batch-message';
import { transportCodecs } from './transport-codecs';

const header = { run: 'run-1', migration: 'vm-3', attempt: 1, round: 2, seq: 40 };

describe('migration.page-batch v1', () => {
  it('page-batch-message: a batch built, decoded by the registry and read back gives the same pages', () => {
    const message = pageBatchMessage(header, { gfns: [0, 1, 2, 1_000], versions: [3, 3, 3, 4] });
    const decoded = transportCodecs().decode(JSON.parse(JSON.stringify(message))) as PageBatchMessageV1;
    expect(decoded).toMatchObject({ v: 1, type: 'migration.page-batch', ...header, pageCount: 4 });
    const pages = readPageBatch(decoded);
    expect(Array.from(pages.gfns)).toEqual([0, 1, 2, 1_000]);
    expect(Array.from(pages.versions)).toEqual([3, 3, 3, 4]);
  });

  it('page-batch-message: its job id is the idempotent {run}:{migration}:{attempt}:{seq} id', () => {
    const message = pageBatchMessage(header, { gfns: [5], versions: [1] });
    expect(pageBatchJobId(message)).toBe('run-1~vm-3~1~40');
    expect(parseMigrationJobId(pageBatchJobId(message))).toEqual({ run: 'run-1', migration: 'vm-3', attempt: 1, seq: 40 });
  });

  it('page-batch-message: a page count that disagrees with the ranges is malformed', () => {
    const message = pageBatchMessage(header, { gfns: [5, 6], versions: [1, 1] });
    expect(() => transportCodecs().decode({ ...message, pageCount: 3 })).toThrow(
      /MESSAGE_MALFORMED: migration.page-batch v1: \$\.ranges: expected a consistent page batch, got expected 3 pages, got 2/,
    );
    expect(() => transportCodecs().decode({ ...message, ranges: 'not base64!' })).toThrow(/\$\.ranges: expected a base64 string/);
  });
});
