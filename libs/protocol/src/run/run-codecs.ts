import { checks, defineCodec, isTransportError, transportCodecs, transportError, type CodecRegistry, type FieldCheck } from '@migsim/transport';
import type { MailBag, MailItem, RunFactsV1, RunFinishV1, RunStartV1, ShardAssignment, WindowDoneV1, WindowOpenV1 } from './run-messages';

const nonNegativeFinite: FieldCheck = (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'a finite number >= 0');
const timeOrNull: FieldCheck = (value) => (value === null || (typeof value === 'number' && Number.isFinite(value) && value >= 0) ? undefined : 'a time in ns >= 0, or null');
const boolean: FieldCheck = (value) => (typeof value === 'boolean' ? undefined : 'true or false');

/** `{ variant, delivery }` objects; each delivery is validated again by the shard or coordinator that takes it in. */
const mailItems: FieldCheck = (value) => {
  if (!Array.isArray(value)) return 'a list of mail items';
  for (const item of value as MailItem[]) {
    if (typeof item !== 'object' || item === null || !Number.isSafeInteger(item.variant) || item.variant < 0 || typeof item.delivery !== 'object' || item.delivery === null) {
      return 'a list of { variant, delivery } mail items';
    }
  }
  return undefined;
};

/** Page streams: their packed shape and content are checked by `unpackPageStreams` and `decodeDelivery` where they are taken in. */
const pageStreams: FieldCheck = (value) => (value === undefined || Array.isArray(value) ? undefined : 'a list of page streams');

const mailBags: FieldCheck = (value) => {
  if (!Array.isArray(value)) return 'a list of { to, items, streams? } mail bags';
  for (const bag of value as MailBag[]) {
    if (typeof bag !== 'object' || bag === null || typeof bag.to !== 'string' || bag.to === '' || mailItems(bag.items) !== undefined || pageStreams(bag.streams) !== undefined) {
      return 'a list of { to, items, streams? } mail bags';
    }
  }
  return undefined;
};

const shardAssignments: FieldCheck = (value) => {
  if (!Array.isArray(value) || value.length === 0) return 'a non-empty list of { id, hosts } shards';
  for (const shard of value as ShardAssignment[]) {
    if (typeof shard !== 'object' || shard === null || typeof shard.id !== 'string' || shard.id === '' || !Array.isArray(shard.hosts)) return 'a list of { id, hosts } shards';
    if (shard.hosts.some((host) => typeof host !== 'string' || host === '')) return 'host names as non-empty strings';
  }
  return undefined;
};

const factsList: FieldCheck = (value) => {
  if (!Array.isArray(value)) return 'a list of { variant, hosts } facts';
  for (const entry of value as RunFactsV1['facts']) {
    if (typeof entry !== 'object' || entry === null || !Number.isSafeInteger(entry.variant) || !Array.isArray(entry.hosts)) return 'a list of { variant, hosts } facts';
  }
  return undefined;
};

export const runStartCodecV1 = defineCodec<RunStartV1>('migsim.run-start', 1, {
  run: checks.nonEmptyString,
  shard: checks.nonEmptyString,
  scenarioText: checks.nonEmptyString,
  scenarioFile: checks.string,
  seed: checks.integer(0, 0xffff_ffff),
  shards: shardAssignments,
});

export const windowOpenCodecV1 = defineCodec<WindowOpenV1>('migsim.window-open', 1, {
  run: checks.nonEmptyString,
  shard: checks.nonEmptyString,
  window: checks.integer(0),
  boundNs: nonNegativeFinite,
  final: boolean,
  mail: mailItems,
  streams: checks.optional(pageStreams),
  live: checks.optional(boolean),
});

export const windowDoneCodecV1 = defineCodec<WindowDoneV1>('migsim.window-done', 1, {
  run: checks.nonEmptyString,
  shard: checks.nonEmptyString,
  window: checks.integer(0),
  reachedNs: nonNegativeFinite,
  earliestOutputNs: timeOrNull,
  steps: checks.integer(0),
  sent: checks.integer(0),
  mail: mailBags,
  live: (value) => (Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null && Array.isArray((entry as { hosts?: unknown }).hosts)) ? undefined : 'a list of { variant, hosts } live news'),
});

export const runFinishCodecV1 = defineCodec<RunFinishV1>('migsim.run-finish', 1, {
  run: checks.nonEmptyString,
  shard: checks.nonEmptyString,
});

export const runFactsCodecV1 = defineCodec<RunFactsV1>('migsim.run-facts', 1, {
  run: checks.nonEmptyString,
  shard: checks.nonEmptyString,
  facts: factsList,
});

/** The window protocol's messages, on top of libs/transport's own. */
export const runCodecs = transportCodecs()
  .register(runStartCodecV1)
  .register(windowOpenCodecV1)
  .register(windowDoneCodecV1)
  .register(runFinishCodecV1)
  .register(runFactsCodecV1);

/** Every message the window protocol's queues carry (libs/transport's own included: dead letters). */
export type RunWireMessage = typeof runCodecs extends CodecRegistry<infer M> ? M : never;

/** A run message whose fields passed the codec but whose content could not be taken in (a bad delivery): dead-lettered, not retried. */
export function malformedMail(detail: string, cause?: unknown): Error {
  if (isTransportError(cause)) return cause;
  return transportError('MESSAGE_MALFORMED', detail, cause);
}
