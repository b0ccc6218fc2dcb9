import type { ClusterMessage, Delivery } from '@migsim/cluster';
import { malformed } from '../cluster/decode-error';
import type { MailItem, PackedPageBatch, PageStreamV1 } from './run-messages';

/*
 * The window protocol's compact form of page data (`PageStreamV1`, in
 * run-messages.ts): a pre-copy stream sends a batch every few milliseconds
 * and a shard's mail is mostly such batches; as `{ variant, delivery }`
 * objects each costs ~450 bytes of JSON, written and parsed by the shard,
 * Redis, the coordinator and the recipient shard, and journaled twice.
 * Packed it costs ~80.
 */

const PACKED_FIELDS = 12;
/** A packable message has exactly `kind`, `attemptId` and `batch`, and its batch exactly these keys (no `urgent`, no `discardRanges`). */
const MESSAGE_KEYS = 3;
const BATCH_KEYS = 10;

/**
 * Splits a window's mail into the deliveries that stay as they are and the
 * page streams. A `stream.batch` delivery is packed when it is lazy, its
 * batch belongs to its attempt and has no post-copy fields; anything else
 * stays a mail item. Streams come in the order of their first batch, and
 * each keeps its batches' order.
 */
export function packPageStreams(items: readonly MailItem[]): { items: MailItem[]; streams: PageStreamV1[] } {
  const kept: MailItem[] = [];
  const streams: PageStreamV1[] = [];
  const byKey = new Map<string, PackedPageBatch[]>();
  for (const item of items) {
    const delivery = item.delivery;
    const message = delivery.message;
    if (!delivery.lazy || message.kind !== 'stream.batch' || !packable(message)) {
      kept.push(item);
      continue;
    }
    const key = `${item.variant}\u0000${delivery.from}\u0000${delivery.to}\u0000${message.attemptId}`;
    let batches = byKey.get(key);
    if (batches === undefined) {
      batches = [];
      byKey.set(key, batches);
      streams.push({ variant: item.variant, from: delivery.from, fromRank: delivery.fromRank, to: delivery.to, attemptId: message.attemptId, batches });
    }
    const batch = message.batch;
    batches.push([
      delivery.seq,
      delivery.sentNs,
      delivery.deliverNs,
      batch.seq,
      batch.phase,
      batch.syncCount,
      batch.kind,
      batch.ranges,
      batch.versionRuns,
      batch.zeroPageCount,
      batch.normalPageCount,
      batch.wireBytes,
    ]);
  }
  return { items: kept, streams };
}

function packable(message: Extract<ClusterMessage, { kind: 'stream.batch' }>): boolean {
  const batch = message.batch;
  return batch.migrationId === message.attemptId && Object.keys(message).length === MESSAGE_KEYS && Object.keys(batch).length === BATCH_KEYS;
}

/**
 * The deliveries a list of page streams stands for, stream by stream, each
 * passed to `check` with its path (`$.streams[2].batches[5]`) first:
 * `decodeDelivery`, as for any other mail. Checks the packed shape itself
 * (a `MESSAGE_MALFORMED` transport error naming the path).
 */
export function unpackPageStreams(streams: unknown, path = '$.streams', check?: (delivery: unknown, path: string) => void): MailItem[] {
  if (streams === undefined) return [];
  if (!Array.isArray(streams)) throw malformed(path, 'a list of page streams', streams);
  const items: MailItem[] = [];
  for (let s = 0; s < streams.length; s++) {
    const stream = streams[s] as Partial<PageStreamV1> | null;
    const at = `${path}[${s}]`;
    if (typeof stream !== 'object' || stream === null || Array.isArray(stream)) throw malformed(at, 'a { variant, from, fromRank, to, attemptId, batches } page stream', stream);
    const { variant, from, fromRank, to, attemptId, batches } = stream;
    if (!Number.isSafeInteger(variant) || variant! < 0) throw malformed(`${at}.variant`, 'an integer >= 0', variant);
    if (typeof attemptId !== 'string') throw malformed(`${at}.attemptId`, 'a string', attemptId);
    if (!Array.isArray(batches)) throw malformed(`${at}.batches`, 'a list of packed batches', batches);
    for (let b = 0; b < batches.length; b++) {
      const packed = batches[b] as unknown;
      const batchAt = `${at}.batches[${b}]`;
      if (!Array.isArray(packed) || packed.length !== PACKED_FIELDS) {
        throw malformed(batchAt, `a packed batch of ${PACKED_FIELDS} fields (seq, sentNs, deliverNs, batch seq, phase, syncCount, kind, ranges, versionRuns, zeroPageCount, normalPageCount, wireBytes)`, packed);
      }
      const [seq, sentNs, deliverNs, batchSeq, phase, syncCount, kind, ranges, versionRuns, zeroPageCount, normalPageCount, wireBytes] = packed as unknown[];
      const delivery = {
        from,
        fromRank,
        to,
        seq,
        sentNs,
        deliverNs,
        lazy: true,
        message: {
          kind: 'stream.batch',
          attemptId,
          batch: { migrationId: attemptId, seq: batchSeq, phase, syncCount, kind, ranges, versionRuns, zeroPageCount, normalPageCount, wireBytes },
        },
      };
      check?.(delivery, batchAt);
      items.push({ variant: variant!, delivery: delivery as unknown as Delivery<ClusterMessage> });
    }
  }
  return items;
}
