import { transportError } from '../errors';
import { migrationJobId } from '../naming/job-id';
import { defineCodec, type MessageCodec } from './codec-registry';
import type { Envelope } from './envelope';
import { checks, type FieldIssue } from './field-checks';
import { decodePageBatch, encodePageBatch, MAX_PAGES_PER_BATCH, type DecodedPageBatch, type PageBatch } from './page-batch';

export const PAGE_BATCH_TYPE = 'migration.page-batch';

/** Pages a source host sends to `migration.pages.<dst>`, in the compact encoding of page-batch.ts. */
export interface PageBatchMessageV1 extends Envelope<typeof PAGE_BATCH_TYPE, 1> {
  readonly run: string;
  readonly migration: string;
  /** Migration attempt; a retried migration sends under new job ids. */
  readonly attempt: number;
  /** Pre-copy round (0 = the bulk copy; the last round is the stop-and-copy). */
  readonly round: number;
  /** Sequence number of this batch within the attempt: the job id's last part. */
  readonly seq: number;
  readonly pageCount: number;
  readonly ranges: string;
  readonly versions: string;
}

function pageBatchConsistency(body: PageBatchMessageV1): FieldIssue[] {
  try {
    decodePageBatch(body);
    return [];
  } catch (error) {
    const message = (error as Error).message.replace(/^MESSAGE_MALFORMED: /, '');
    const [path, ...rest] = message.split(': ');
    return [{ path: path ?? '$', expected: 'a consistent page batch', got: rest.join(': ') }];
  }
}

export const pageBatchCodecV1: MessageCodec<PageBatchMessageV1> = defineCodec<PageBatchMessageV1>(
  PAGE_BATCH_TYPE,
  1,
  {
    run: checks.nonEmptyString,
    migration: checks.nonEmptyString,
    attempt: checks.integer(0),
    round: checks.integer(0),
    seq: checks.integer(0),
    pageCount: checks.integer(1, MAX_PAGES_PER_BATCH),
    ranges: checks.base64,
    versions: checks.base64,
  },
  pageBatchConsistency,
);

export interface PageBatchHeader {
  run: string;
  migration: string;
  attempt: number;
  round: number;
  seq: number;
}

export function pageBatchMessage(header: PageBatchHeader, batch: PageBatch): PageBatchMessageV1 {
  const encoded = encodePageBatch(batch);
  return { v: 1, type: PAGE_BATCH_TYPE, ...header, pageCount: encoded.pageCount, ranges: encoded.ranges, versions: encoded.versions };
}

/** The idempotent job id of a page batch: a re-sent batch is a no-op. */
export function pageBatchJobId(message: Pick<PageBatchMessageV1, 'run' | 'migration' | 'attempt' | 'seq'>): string {
  return migrationJobId(message);
}

export function readPageBatch(message: PageBatchMessageV1): DecodedPageBatch {
  if (message.type !== PAGE_BATCH_TYPE) throw transportError('MESSAGE_UNKNOWN_TYPE', `expected ${PAGE_BATCH_TYPE}, got ${message.type}`);
  return decodePageBatch(message);
}
