import type { ClusterMessage, ClusterMessageKind } from '@migsim/cluster';
import { decodeHostCrash, decodeHostRecover, decodeMigrationCancel, decodeMigrationRate, decodeMigrationStart, decodeProbeStart } from './controller-to-host';
import { isPlainObject, malformed } from './decode-error';
import { decodeMigrationEnded, decodeMigrationPhase, decodeProbeEnded, decodeVmResumed } from './host-to-controller';
import {
  decodeStreamAnswer,
  decodeStreamBatch,
  decodeStreamDiscard,
  decodeStreamPageRequest,
  decodeStreamPeerLost,
  decodeStreamPrepare,
  decodeStreamRate,
  decodeStreamSwitch,
} from './host-to-host';
import type { Decoder } from './rules';

/** The message type a kind belongs to (`stream.resume` and `stream.complete` are both a `StreamSwitch`). */
export type ClusterMessageOfKind<K extends ClusterMessageKind> = ClusterMessage extends infer M
  ? M extends { kind: infer MK }
    ? K extends MK
      ? M
      : never
    : never
  : never;

/** One validator per kind; the compiler refuses a kind without one. */
export const CLUSTER_MESSAGE_DECODERS: { readonly [K in ClusterMessageKind]: Decoder<ClusterMessageOfKind<K>> } = {
  'migration.start': decodeMigrationStart,
  'migration.rate': decodeMigrationRate,
  'migration.cancel': decodeMigrationCancel,
  'host.crash': decodeHostCrash,
  'host.recover': decodeHostRecover,
  'probe.start': decodeProbeStart,
  'migration.phase': decodeMigrationPhase,
  'migration.ended': decodeMigrationEnded,
  'vm.resumed': decodeVmResumed,
  'probe.ended': decodeProbeEnded,
  'stream.prepare': decodeStreamPrepare,
  'stream.batch': decodeStreamBatch,
  'stream.resume': decodeStreamSwitch,
  'stream.complete': decodeStreamSwitch,
  'stream.discard': decodeStreamDiscard,
  'stream.rate': decodeStreamRate,
  'stream.resumed': decodeStreamAnswer,
  'stream.completed': decodeStreamAnswer,
  'stream.page-request': decodeStreamPageRequest,
  'stream.peer-lost': decodeStreamPeerLost,
};

const KINDS_EXPECTED = `one of ${Object.keys(CLUSTER_MESSAGE_DECODERS).join(', ')}`;

/**
 * A message between the cluster's actors, from parsed JSON: checked against
 * its kind's interface field by field (types, integer and range rules,
 * nested shapes, no unknown field) and returned as it is, typed. Anything
 * else throws a `TransportError` `MESSAGE_MALFORMED` naming the path under
 * `path` (default `$`).
 */
export function decodeClusterMessage(value: unknown, path = '$'): ClusterMessage {
  if (!isPlainObject(value)) throw malformed(path, 'an object', value);
  const kind = value.kind;
  // Page batches are most of the traffic: no table lookup for them.
  if (kind === 'stream.batch') return decodeStreamBatch(value, path);
  if (typeof kind !== 'string' || !Object.hasOwn(CLUSTER_MESSAGE_DECODERS, kind)) throw malformed(`${path}.kind`, KINDS_EXPECTED, kind);
  return CLUSTER_MESSAGE_DECODERS[kind as ClusterMessageKind](value, path);
}
