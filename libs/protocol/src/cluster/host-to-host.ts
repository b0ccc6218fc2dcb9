import type {
  StreamAnswer,
  StreamBatch,
  StreamDiscard,
  StreamPageRequest,
  StreamPeerLost,
  StreamPrepare,
  StreamRate,
  StreamSwitch,
} from '@migsim/cluster';
import { checkAttemptId } from './attempt-id';
import { fieldCount, fieldsOf, malformed, refuseUnknownFields } from './decode-error';
import { attemptNumber, bytesPerSec, count, timeNs } from './field-rules';
import { ramLayoutSpec, switchoverCheck, switchoverVerification } from './migration-shapes';
import { decodePageBatch } from './page-batch';
import { anyString, fieldNames, integerArray, literal, nonEmptyString, objectOf, oneOf } from './rules';

/** The migration stream between a source host and a destination host. */

export const decodeStreamPrepare = objectOf<StreamPrepare>(
  {
    kind: literal('stream.prepare'),
    attemptId: nonEmptyString,
    migration: nonEmptyString,
    attempt: attemptNumber,
    vm: nonEmptyString,
    source: nonEmptyString,
    layout: ramLayoutSpec,
    memoryModel: oneOf('pages', 'fluid'),
    latencyNs: timeNs,
    rateBytesPerSec: bytesPerSec,
    placement: count,
  },
  checkAttemptId,
);

const STREAM_BATCH_FIELDS = fieldNames<StreamBatch>({ kind: 'required', attemptId: 'required', batch: 'required' });

/** Most of the traffic: by hand, like the page batch inside it. */
export function decodeStreamBatch(value: unknown, path: string): StreamBatch {
  const message = fieldsOf(value, path);
  if (message.kind !== 'stream.batch') throw malformed(`${path}.kind`, '"stream.batch"', message.kind);
  const attemptId = message.attemptId;
  if (typeof attemptId !== 'string' || attemptId.length === 0) throw malformed(`${path}.attemptId`, 'a non-empty string', attemptId);
  decodePageBatch(message.batch, `${path}.batch`);
  if (fieldCount(message) !== STREAM_BATCH_FIELDS.requiredCount) refuseUnknownFields(message, STREAM_BATCH_FIELDS.all, path);
  return value as StreamBatch;
}

export const decodeStreamSwitch = objectOf<StreamSwitch>({
  kind: oneOf('stream.resume', 'stream.complete'),
  attemptId: nonEmptyString,
  check: switchoverCheck,
});

export const decodeStreamDiscard = objectOf<StreamDiscard>({
  kind: literal('stream.discard'),
  attemptId: nonEmptyString,
  reason: anyString,
});

export const decodeStreamRate = objectOf<StreamRate>({
  kind: literal('stream.rate'),
  attemptId: nonEmptyString,
  rateBytesPerSec: bytesPerSec,
  latencyNs: timeNs,
});

export const decodeStreamAnswer = objectOf<StreamAnswer>({
  kind: oneOf('stream.resumed', 'stream.completed'),
  attemptId: nonEmptyString,
  verification: switchoverVerification,
});

export const decodeStreamPageRequest = objectOf<StreamPageRequest>({
  kind: literal('stream.page-request'),
  attemptId: nonEmptyString,
  gfns: integerArray(0),
});

export const decodeStreamPeerLost = objectOf<StreamPeerLost>({
  kind: literal('stream.peer-lost'),
  attemptId: nonEmptyString,
  reason: anyString,
});
