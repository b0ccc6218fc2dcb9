import { transportError } from '../errors';

/**
 * Idempotent job ids.
 *
 * A job id is what makes a re-send a no-op: BullMQ (and the in-memory port)
 * keep the first job with a given id and ignore later adds. migsim derives ids
 * from what a message *is*: the window protocol's `<run>~open~<window>~<shard>`
 * and its siblings (libs/runtime run-naming.ts), a sweep's
 * `run~<sweep>~<cell>~<seed>~<variant>` (apps/cli).
 *
 * BullMQ 6.7 (`Job.validateOptions`) refuses custom ids that parse as an
 * integer ("Custom Id cannot be integers") and ids containing `:` unless they
 * split into exactly three parts (a legacy form kept for old repeatable jobs);
 * `Queue.add` also refuses `0` and ids starting with `0:`. A four-part
 * `run:open:window:shard` id is therefore rejected, so the parts are joined
 * with `~` instead, and each text part is percent-encoded with `encodeIdPart`
 * (everything but `A-Z a-z 0-9 - _ .`), so `~`, `:` and `%` inside a run or
 * shard name can neither split nor forge an id:
 *
 *   run 'r1',  window 7, shard 'source-0'   ->  r1~open~7~source-0
 *   run 'a:b', window 0, shard 'x~y'        ->  a%3Ab~open~0~x%7Ey
 */

const SEPARATOR = '~';
const MAX_JOB_ID_LENGTH = 512;
/** Printable ASCII without `:`; see the BullMQ rules above. */
const JOB_ID_PATTERN = /^[\x21-\x39\x3b-\x7e]+$/;

/** Text that encodes to itself (the common case: generated run ids, `variant/m1` aside). */
const UNRESERVED = /^[A-Za-z0-9\-_.]*$/;

/** `text` percent-encoded so it holds no `~`, `:` or `%` of its own; `decodeURIComponent` gives it back. */
export function encodeIdPart(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(/[!'()*~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
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
