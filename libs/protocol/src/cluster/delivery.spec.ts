import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterDeliveryArbitrary } from './cluster-arbitraries';
import { decodeDeliveries, decodeDelivery } from './delivery';
import { MUTATIONS, mutate } from './json-mutations';
import { refusal } from './refusal';

const batchDelivery = () => ({
  from: 'host:src-1',
  fromRank: 1,
  to: 'host:dst-1',
  seq: 17,
  sentNs: 5_000_000_000,
  deliverNs: 5_000_200_000,
  lazy: true,
  message: {
    kind: 'stream.batch',
    attemptId: 'm1#1',
    batch: { migrationId: 'm1#1', seq: 3, kind: 'pages', phase: 'round', syncCount: 1, ranges: [0, 2, 9, 1], versionRuns: [1, 3], zeroPageCount: 0, normalPageCount: 3, wireBytes: 12_315 },
  },
});

const crashDelivery = () => ({
  from: 'controller',
  fromRank: 0,
  to: 'host:dst-1',
  seq: 4,
  sentNs: 1_000,
  deliverNs: 101_000,
  lazy: false,
  message: { kind: 'host.crash', reason: 'fault faults[0]' },
});

describe('protocol: deliveries survive the wire unchanged', () => {
  it('protocol: any valid delivery round-trips through JSON and decodes deep-equal', () => {
    fc.assert(
      fc.property(clusterDeliveryArbitrary(), (delivery) => {
        expect(decodeDelivery(JSON.parse(JSON.stringify(delivery)), '$.deliveries[0]')).toEqual(delivery);
      }),
      { numRuns: 300 },
    );
  });

  it('protocol: a window of deliveries decodes as a list, each at its index', () => {
    const window = [crashDelivery(), batchDelivery()];
    expect(decodeDeliveries(window, '$.deliveries')).toBe(window);
    const broken = [crashDelivery(), crashDelivery(), { ...batchDelivery(), seq: -2 }];
    expect(refusal(() => decodeDeliveries(broken, '$.deliveries'))).toBe('MESSAGE_MALFORMED: $.deliveries[2].seq: expected an integer >= 0, got -2');
    expect(refusal(() => decodeDeliveries({ deliveries: [] }))).toBe('MESSAGE_MALFORMED: $: expected an array, got {"deliveries":[]}');
  });
});

describe('protocol: a broken delivery is refused with the path of what is wrong', () => {
  it.each(MUTATIONS)('protocol: %s anywhere in a delivery is refused naming its path under the caller\'s', (mutation) => {
    fc.assert(
      fc.property(clusterDeliveryArbitrary(), fc.nat(), (delivery, pick) => {
        const broken = mutate(JSON.parse(JSON.stringify(delivery)), mutation, pick, '$.deliveries[3]');
        if (broken === undefined) return;
        if (broken.refusedAt === null) expect(decodeDelivery(broken.mutated, '$.deliveries[3]')).toStrictEqual(broken.mutated);
        else expect(refusal(() => decodeDelivery(broken.mutated, '$.deliveries[3]'))).toContain(`${broken.refusedAt}: expected`);
      }),
      { numRuns: 300 },
    );
  });

  it('protocol: the path reaches into the page batch: $.deliveries[3].message.batch.ranges[2]', () => {
    const delivery = batchDelivery();
    delivery.message.batch.ranges[2] = -1;
    expect(refusal(() => decodeDelivery(delivery, '$.deliveries[3]'))).toBe(
      'MESSAGE_MALFORMED: $.deliveries[3].message.batch.ranges[2]: expected an integer >= 0, got -1',
    );
  });

  it('protocol: a delivery arrives strictly after it was sent (every latency is > 0)', () => {
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), deliverNs: 1_000 }))).toBe(
      'MESSAGE_MALFORMED: $.deliverNs: expected a time > sentNs (1000): every message takes a latency > 0, got 1000',
    );
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), deliverNs: 999 }))).toContain('$.deliverNs: expected a time > sentNs (1000)');
  });

  it('protocol: only page data may be lazy', () => {
    expect(decodeDelivery({ ...batchDelivery(), lazy: false })).toBeDefined();
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), lazy: true }))).toBe(
      'MESSAGE_MALFORMED: $.lazy: expected false for a host.crash (only stream.batch page data is lazy), got true',
    );
  });

  it('protocol: sender, recipient, rank, sequence and times are checked', () => {
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), from: '' }))).toBe('MESSAGE_MALFORMED: $.from: expected a non-empty string, got ""');
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), to: null }))).toBe('MESSAGE_MALFORMED: $.to: expected a non-empty string, got null');
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), fromRank: 0.5 }))).toBe('MESSAGE_MALFORMED: $.fromRank: expected an integer >= 0, got 0.5');
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), sentNs: -1 }))).toBe('MESSAGE_MALFORMED: $.sentNs: expected a finite number >= 0, got -1');
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), deliverNs: Infinity }))).toBe('MESSAGE_MALFORMED: $.deliverNs: expected a finite number >= 0, got Infinity');
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), lazy: 'no' }))).toBe('MESSAGE_MALFORMED: $.lazy: expected a boolean, got "no"');
    expect(refusal(() => decodeDelivery({ ...crashDelivery(), window: 3 }))).toBe('MESSAGE_MALFORMED: $.window: expected no such field, got 3');
    expect(refusal(() => decodeDelivery('{"from":"controller"}'))).toBe('MESSAGE_MALFORMED: $: expected an object, got "{\\"from\\":\\"controller\\"}"');
  });
});
