import type { ClusterMessage, Delivery } from '@migsim/cluster';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterDeliveryArbitrary, clusterMessageArbitrary, pageBatchArbitrary } from '../cluster/cluster-arbitraries';
import { decodeDelivery } from '../cluster/delivery';
import { packPageStreams, unpackPageStreams } from './page-streams';
import { windowOpenCodecV1 } from './run-codecs';
import type { MailItem } from './run-messages';
import { refusal } from '../cluster/refusal';

const batchDelivery = (seq: number, over: Partial<Delivery<ClusterMessage>> = {}): Delivery<ClusterMessage> => ({
  from: 'host:src-1',
  fromRank: 1,
  to: 'host:dst-1',
  seq,
  sentNs: 5_000_000_000 + seq * 33_554_432,
  deliverNs: 5_000_100_000 + seq * 33_554_432,
  lazy: true,
  message: {
    kind: 'stream.batch',
    attemptId: 'drain-h-1/vm-7#1',
    batch: { migrationId: 'drain-h-1/vm-7#1', seq, phase: 'round', syncCount: 1, kind: 'pages', ranges: [seq * 1024, 1024], versionRuns: [1, 1024], zeroPageCount: 0, normalPageCount: 1024, wireBytes: 4_198_400 },
  },
  ...over,
});

/** A window's mail: page data of a few channels (some batches not of their attempt) among other messages. */
const page = fc
  .record({ attemptId: fc.constantFrom('m-1#1', 'm-2#1', 'm-2#2'), batch: pageBatchArbitrary, own: fc.boolean() })
  .map(({ attemptId, batch, own }) => ({ kind: 'stream.batch' as const, attemptId, batch: own ? { ...batch, migrationId: attemptId } : batch }) as ClusterMessage);
const mail: fc.Arbitrary<MailItem[]> = fc.array(
  fc.record({
    variant: fc.integer({ min: 0, max: 2 }),
    delivery: clusterDeliveryArbitrary(fc.oneof({ weight: 4, arbitrary: page }, { weight: 1, arbitrary: clusterMessageArbitrary })).map((delivery) => ({
      ...delivery,
      from: `host:h-${delivery.fromRank % 3}`,
      to: `host:h-${(delivery.seq % 2) + 3}`,
    })),
  }),
  { maxLength: 60 },
);

/** Each channel's deliveries, in the order given. */
function byChannel(items: readonly MailItem[]): Map<string, string[]> {
  const channels = new Map<string, string[]>();
  for (const { variant, delivery } of items) {
    const key = `${variant} ${delivery.from} ${delivery.to}`;
    channels.set(key, [...(channels.get(key) ?? []), JSON.stringify(canonical(delivery))]);
  }
  return channels;
}

describe('page streams: the window protocol\'s packed page data', () => {
  // A recipient files every delivery by (deliverNs, fromRank, seq) whatever the order it is handed over in
  // (ActorSlot.deliver): the same deliveries are what counts, and a stream keeps its batches' order.
  it('property: through JSON, the mail unpacks to the same deliveries; each channel\'s packed ones keep their order', () => {
    fc.assert(
      fc.property(mail, (items) => {
        const packed = JSON.parse(JSON.stringify(packPageStreams(items))) as ReturnType<typeof packPageStreams>;
        const unpacked = unpackPageStreams(packed.streams);
        const back = [...packed.items, ...unpacked];
        expect(back).toHaveLength(items.length);
        const sorted = (list: readonly MailItem[]) => list.map((item) => JSON.stringify(canonical(item))).sort();
        expect(sorted(back)).toEqual(sorted(items));
        const given = byChannel(items);
        for (const [key, deliveries] of byChannel(unpacked)) expect(isSubsequence(deliveries, given.get(key) ?? [])).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('packs a pre-copy stream into one entry, over four times smaller as JSON', () => {
    const items = Array.from({ length: 40 }, (_, seq) => ({ variant: 0, delivery: batchDelivery(seq) }));
    const { items: kept, streams } = packPageStreams(items);
    expect(kept).toEqual([]);
    expect(streams).toHaveLength(1);
    expect(streams[0]!.batches).toHaveLength(40);
    expect(JSON.stringify(streams).length * 4).toBeLessThan(JSON.stringify(items).length);
    const back = unpackPageStreams(JSON.parse(JSON.stringify(streams)));
    expect(back).toStrictEqual(items);
    back.forEach((item, index) => decodeDelivery(item.delivery, `$[${index}]`));
  });

  it('leaves as they are: counted messages, post-copy batches (urgent, discards) and a batch of another attempt', () => {
    const urgent = batchDelivery(1);
    (urgent.message as Extract<ClusterMessage, { kind: 'stream.batch' }>).batch.urgent = true;
    const foreign = batchDelivery(2);
    (foreign.message as Extract<ClusterMessage, { kind: 'stream.batch' }>).batch.migrationId = 'other#1';
    const counted = batchDelivery(3, { lazy: false });
    const items = [urgent, foreign, counted].map((delivery) => ({ variant: 0, delivery }));
    expect(packPageStreams(items)).toEqual({ items, streams: [] });
  });

  it('refuses a malformed stream with the path of what is wrong', () => {
    const streams = packPageStreams([{ variant: 0, delivery: batchDelivery(0) }, { variant: 0, delivery: batchDelivery(1) }]).streams;
    const json = JSON.parse(JSON.stringify(streams)) as { batches: unknown[][]; variant: unknown }[];
    expect(refusal(() => unpackPageStreams({}))).toContain('$.streams: expected a list of page streams');
    expect(refusal(() => unpackPageStreams([{ ...json[0], variant: -1 }]))).toContain('$.streams[0].variant: expected an integer >= 0, got -1');
    expect(refusal(() => unpackPageStreams([{ ...json[0], batches: [json[0]!.batches[0], [1, 2]] }]))).toContain('$.streams[0].batches[1]: expected a packed batch of 12 fields');
    // What a packed batch holds is checked as any delivery, at its own path.
    const badRanges = json[0]!.batches[1]!.map((field, index) => (index === 7 ? [0, -4] : field));
    expect(refusal(() => unpackPageStreams([{ ...json[0], batches: [json[0]!.batches[0], badRanges] }], '$.streams', decodeDelivery))).toContain('$.streams[0].batches[1].message.batch.ranges');
  });

  it('the window-open codec takes streams or none, and refuses anything else in their place', () => {
    const open = { v: 1, type: 'migsim.window-open', run: 'r', shard: 's', window: 3, boundNs: 10, final: false, mail: [] };
    expect(windowOpenCodecV1.validate(open)).toEqual([]);
    expect(windowOpenCodecV1.validate({ ...open, streams: [] })).toEqual([]);
    expect(windowOpenCodecV1.validate({ ...open, streams: 'page data' })).toEqual([{ path: '$.streams', expected: 'a list of page streams', got: '"page data"' }]);
  });
});

/** A mail item with its object keys sorted at every depth (packing keeps fields, not their order). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
}

function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let at = 0;
  for (const entry of whole) if (at < part.length && entry === part[at]) at += 1;
  return at === part.length;
}
