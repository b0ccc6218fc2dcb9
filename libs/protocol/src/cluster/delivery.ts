import type { ActorId, ClusterMessage, Delivery } from '@migsim/cluster';
import { decodeClusterMessage } from './cluster-message';
import { fieldCount, fieldsOf, malformed, refuseUnknownFields } from './decode-error';
import { fieldNames } from './rules';

const DELIVERY_FIELDS = fieldNames<Delivery<ClusterMessage>>({
  from: 'required',
  fromRank: 'required',
  to: 'required',
  seq: 'required',
  sentNs: 'required',
  deliverNs: 'required',
  lazy: 'required',
  message: 'required',
});

/**
 * A `Delivery<ClusterMessage>` (libs/cluster delivery.ts) from parsed JSON:
 * `from`/`to` non-empty, `fromRank`/`seq` integers >= 0, `sentNs` and
 * `deliverNs` finite and >= 0 with `deliverNs > sentNs` (every latency is
 * > 0), `lazy` a boolean, the message through `decodeClusterMessage`; only
 * page data (`stream.batch`) may be lazy. Returned as it is, typed; anything
 * else throws `MESSAGE_MALFORMED` naming the path under `path`.
 */
export function decodeDelivery(value: unknown, path = '$'): Delivery<ClusterMessage> {
  const delivery = fieldsOf(value, path);
  checkActorId(delivery.from, path, 'from');
  checkIndex(delivery.fromRank, path, 'fromRank');
  checkActorId(delivery.to, path, 'to');
  checkIndex(delivery.seq, path, 'seq');
  const sentNs = checkTime(delivery.sentNs, path, 'sentNs');
  const deliverNs = checkTime(delivery.deliverNs, path, 'deliverNs');
  if (deliverNs <= sentNs) throw malformed(`${path}.deliverNs`, `a time > sentNs (${sentNs}): every message takes a latency > 0`, deliverNs);
  const lazy = delivery.lazy;
  if (typeof lazy !== 'boolean') throw malformed(`${path}.lazy`, 'a boolean', lazy);
  const message = decodeClusterMessage(delivery.message, `${path}.message`);
  if (lazy && message.kind !== 'stream.batch') throw malformed(`${path}.lazy`, `false for a ${message.kind} (only stream.batch page data is lazy)`, lazy);
  if (fieldCount(delivery) !== DELIVERY_FIELDS.requiredCount) refuseUnknownFields(delivery, DELIVERY_FIELDS.all, path);
  return value as Delivery<ClusterMessage>;
}

/** A list of deliveries (one window's batch, say), each at `<path>[i]`. */
export function decodeDeliveries(value: unknown, path = '$'): Delivery<ClusterMessage>[] {
  if (!Array.isArray(value)) throw malformed(path, 'an array', value);
  for (let i = 0; i < value.length; i++) decodeDelivery(value[i], `${path}[${i}]`);
  return value as Delivery<ClusterMessage>[];
}

function checkActorId(value: unknown, path: string, key: string): ActorId {
  if (typeof value !== 'string' || value.length === 0) throw malformed(`${path}.${key}`, 'a non-empty string', value);
  return value;
}

function checkIndex(value: unknown, path: string, key: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw malformed(`${path}.${key}`, 'an integer >= 0', value);
  return value as number;
}

function checkTime(value: unknown, path: string, key: string): number {
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) throw malformed(`${path}.${key}`, 'a finite number >= 0', value);
  return value;
}
