import { transportError } from '../errors';

/**
 * Idempotent job ids.
 *
 * A job id is what makes a re-send a no-op: BullMQ (and the in-memory port)
 * keep the first job with a given id and ignore later adds. migsim derives ids
 * from what a message *is*: `{run}:{migration}:{attempt}:{seq}`.
 *
 * BullMQ 6.7 (`Job.validateOptions`) refuses custom ids that parse as an
 * integer ("Custom Id cannot be integers") and ids containing `:` unless they
 * split into exactly three parts (a legacy form kept for old repeatable jobs);
 * `Queue.add` also refuses `0` and ids starting with `0:`. A four-part
 * `run:migration:attempt:seq` id is therefore rejected, so the parts are
 * joined with `~` instead, and each text part is percent-encoded (everything
 * but `A-Z a-z 0-9 - _ .`), so `~`, `:` and `%` inside a run or migration id
 * can neither split nor forge an id:
 *
 *   { run: 'r1', migration: 'vm-7', attempt: 2, seq: 15 }  ->  r1~vm-7~2~15
 *   { run: 'a:b', migration: 'x~y', attempt: 0, seq: 0 }   ->  a%3Ab~x%7Ey~0~0
 */
export interface MigrationJobIdParts {
  run: string;
  migration: string;
  /** Migration attempt (a retried migration gets new ids), integer >= 0. */
  attempt: number;
  /** Message sequence number within the attempt, integer >= 0. */
  seq: number;
}

const SEPARATOR = '~';
const MAX_JOB_ID_LENGTH = 512;
/** Printable ASCII without `:`; see the BullMQ rules above. */
const JOB_ID_PATTERN = /^[\x21-\x39\x3b-\x7e]+$/;

/** Text that encodes to itself (the common case: generated run ids, `variant/m1` aside). */
const UNRESERVED = /^[A-Za-z0-9\-_.]*$/;

export function encodeIdPart(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(/[!'()*~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function migrationJobId(parts: MigrationJobIdParts): string {
  if (typeof parts.run !== 'string' || parts.run === '') throw transportError('JOB_ID_INVALID', 'run: expected a non-empty string');
  if (typeof parts.migration !== 'string' || parts.migration === '') {
    throw transportError('JOB_ID_INVALID', 'migration: expected a non-empty string');
  }
  for (const key of ['attempt', 'seq'] as const) {
    const value = parts[key];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw transportError('JOB_ID_INVALID', `${key}: expected an integer >= 0, got ${String(value)}`);
    }
  }
  return assertJobId([encodeIdPart(parts.run), encodeIdPart(parts.migration), parts.attempt, parts.seq].join(SEPARATOR));
}

export function parseMigrationJobId(jobId: string): MigrationJobIdParts {
  const fields = jobId.split(SEPARATOR);
  const [run, migration, attempt, seq] = fields;
  const isCount = (text: string | undefined): text is string => text !== undefined && /^(0|[1-9][0-9]*)$/.test(text);
  if (fields.length !== 4 || !run || !migration || !isCount(attempt) || !isCount(seq)) {
    throw transportError('JOB_ID_INVALID', `${JSON.stringify(jobId)}: expected run~migration~attempt~seq`);
  }
  try {
    return { run: decodeURIComponent(run), migration: decodeURIComponent(migration), attempt: Number(attempt), seq: Number(seq) };
  } catch (error) {
    throw transportError('JOB_ID_INVALID', `${JSON.stringify(jobId)}: bad percent-encoding`, error);
  }
}

/**
 * Refuses ids BullMQ would refuse or mangle, in both ports alike: empty, too
 * long, containing `:`, spaces or non-ASCII, or parsing as an integer.
 */
export function assertJobId(jobId: string, maxLength = MAX_JOB_ID_LENGTH): string {
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > maxLength || !JOB_ID_PATTERN.test(jobId)) {
    throw transportError(
      'JOB_ID_INVALID',
      `job id ${JSON.stringify(jobId)}: expected 1-${maxLength} printable ASCII characters without ':' (BullMQ refuses ':' in custom ids)`,
    );
  }
  if (`${Number.parseInt(jobId, 10)}` === jobId) {
    throw transportError('JOB_ID_INVALID', `job id ${JSON.stringify(jobId)}: BullMQ refuses custom ids that are integers`);
  }
  return jobId;
}

/** Id of the dead letter of `jobId` taken from `sourceQueue`: one per source job, so dead-lettering twice is a no-op. */
export function deadLetterJobId(sourceQueue: string, jobId: string): string {
  // Room for the longest queue name (128) and the separator on top of the longest job id.
  return assertJobId(`${sourceQueue}${SEPARATOR}${jobId}`, MAX_JOB_ID_LENGTH + 129);
}
