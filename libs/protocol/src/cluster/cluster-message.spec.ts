import { CLUSTER_MESSAGE_KINDS, type ClusterMessage } from '@migsim/cluster';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterMessageArbitraries, clusterMessageArbitrary } from './cluster-arbitraries';
import { CLUSTER_MESSAGE_DECODERS, decodeClusterMessage } from './cluster-message';
import { MUTATIONS, mutate } from './json-mutations';
import { refusal } from './refusal';

/** Through the wire as the services carry it: JSON text, parsed back. */
function overTheWire<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('protocol: every cluster message kind has a validator', () => {
  it('protocol: the decoders cover CLUSTER_MESSAGE_KINDS exactly', () => {
    expect(Object.keys(CLUSTER_MESSAGE_DECODERS).sort()).toEqual([...CLUSTER_MESSAGE_KINDS].sort());
  });

  it.each(CLUSTER_MESSAGE_KINDS)('protocol: %s is decoded by its own validator', (kind) => {
    const [message] = fc.sample<ClusterMessage>(clusterMessageArbitraries[kind], { numRuns: 1, seed: 7 });
    expect(CLUSTER_MESSAGE_DECODERS[kind](overTheWire(message), '$')).toEqual(message);
  });

  it('protocol: a kind no actor sends is refused at $.kind with the known kinds listed', () => {
    expect(refusal(() => decodeClusterMessage({ kind: 'migration.pause', attemptId: 'm1#1' }))).toMatch(
      /^MESSAGE_MALFORMED: \$\.kind: expected one of migration\.start, .*stream\.peer-lost, got "migration\.pause"$/,
    );
    expect(refusal(() => decodeClusterMessage({ kind: 'toString' }))).toContain('$.kind: expected one of');
    expect(refusal(() => decodeClusterMessage({ reason: 'x' }))).toContain('$.kind: expected one of');
  });

  it('protocol: each validator takes only its own kinds', () => {
    expect(refusal(() => CLUSTER_MESSAGE_DECODERS['host.crash']({ kind: 'host.recover', reason: 'x' }, '$'))).toBe('MESSAGE_MALFORMED: $.kind: expected "host.crash", got "host.recover"');
    const check = { migrationId: 'm1#1', mode: 'precopy', precedingBatchCount: 3, versionsDigest: 7, absentPageCount: 0 };
    expect(CLUSTER_MESSAGE_DECODERS['stream.complete']({ kind: 'stream.complete', attemptId: 'm1#1', check }, '$')).toBeDefined();
    expect(refusal(() => CLUSTER_MESSAGE_DECODERS['stream.resume']({ kind: 'stream.resumed', attemptId: 'm1#1', check }, '$'))).toBe(
      'MESSAGE_MALFORMED: $.kind: expected one of stream.resume, stream.complete, got "stream.resumed"',
    );
  });

  it('protocol: a message that is not a JSON object is refused at its path', () => {
    expect(refusal(() => decodeClusterMessage([], '$.message'))).toBe('MESSAGE_MALFORMED: $.message: expected an object, got []');
    expect(refusal(() => decodeClusterMessage(null))).toBe('MESSAGE_MALFORMED: $: expected an object, got null');
  });
});

describe('protocol: valid cluster messages survive the wire unchanged', () => {
  it.each(CLUSTER_MESSAGE_KINDS)('protocol: any %s round-trips through JSON and decodes deep-equal', (kind) => {
    fc.assert(
      fc.property<[ClusterMessage]>(clusterMessageArbitraries[kind], (message) => {
        expect(decodeClusterMessage(overTheWire(message))).toEqual(message);
      }),
    );
  });

  it('protocol: the decoded message is the parsed value itself, typed (nothing is copied)', () => {
    const parsed = overTheWire({ kind: 'stream.peer-lost', attemptId: 'm1#1', reason: 'dst-1 crashed' });
    expect(decodeClusterMessage(parsed)).toBe(parsed);
  });
});

describe('protocol: a broken message is refused with the path of what is wrong', () => {
  it.each(MUTATIONS)('protocol: %s anywhere in any message is refused naming its path', (mutation) => {
    fc.assert(
      fc.property(clusterMessageArbitrary, fc.nat(), (message: ClusterMessage, pick) => {
        const broken = mutate(overTheWire(message), mutation, pick);
        if (broken === undefined) return;
        if (broken.refusedAt === null) {
          expect(decodeClusterMessage(broken.mutated)).toStrictEqual(broken.mutated);
        } else {
          expect(refusal(() => decodeClusterMessage(broken.mutated))).toContain(`${broken.refusedAt}: expected`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('protocol: a field of the wrong type deep inside names the whole path and what was there', () => {
    const [start] = fc.sample(clusterMessageArbitraries['migration.start'], { numRuns: 1, seed: 3 });
    const parsed = overTheWire({ ...start!, params: { ...start!.params, algorithm: 'vmware' } });
    expect(refusal(() => decodeClusterMessage(parsed, '$.message'))).toBe(
      'MESSAGE_MALFORMED: $.message.params.algorithm: expected one of qemu-precopy, xen, simgrid, cloudsim, got "vmware"',
    );
  });

  it('protocol: every problem with one object\'s scalar fields is named in one message', () => {
    const message = refusal(() => decodeClusterMessage({ kind: 'migration.rate', attemptId: '', rateBytesPerSec: -5, burstRateBytesPerSec: 1, latencyNs: 1, pathUp: 'yes', extra: 1 }));
    expect(message).toContain('$.attemptId: expected a non-empty string, got ""');
    expect(message).toContain('$.rateBytesPerSec: expected a finite number >= 0, got -5');
    expect(message).toContain('$.pathUp: expected a boolean, got "yes"');
    expect(message).toContain('$.extra: expected no such field, got 1');
  });
});

describe('protocol: numbers stay within what they can be', () => {
  it('protocol: throttle percentages, digests and page versions have upper bounds', () => {
    const [start] = fc.sample(clusterMessageArbitraries['migration.start'], { numRuns: 1, seed: 17 });
    expect(refusal(() => decodeClusterMessage({ ...start!, params: { ...start!.params, maxCpuThrottlePct: 100 } }))).toContain(
      '$.params.maxCpuThrottlePct: expected an integer in [1, 99], got 100',
    );
    const [ended] = fc.sample(clusterMessageArbitraries['migration.ended'], { numRuns: 1, seed: 17 });
    expect(refusal(() => decodeClusterMessage({ ...ended!, info: { ...ended!.info, 'cpu-throttle-percentage': 120 } }))).toContain(
      "$.info.cpu-throttle-percentage: expected a number in [0, 100], got 120",
    );
    const check = { migrationId: 'm1#1', mode: 'precopy', precedingBatchCount: 3, versionsDigest: 2 ** 32, absentPageCount: 0 };
    expect(refusal(() => decodeClusterMessage({ kind: 'stream.resume', attemptId: 'm1#1', check }))).toContain(
      '$.check.versionsDigest: expected an integer in [0, 4294967295] or null, got 4294967296',
    );
  });

  it('protocol: a memslot has at least one page; a page request names gfns', () => {
    const [prepare] = fc.sample(clusterMessageArbitraries['stream.prepare'], { numRuns: 1, seed: 19 });
    expect(refusal(() => decodeClusterMessage({ ...prepare!, layout: { slots: [{ id: 0, baseGfn: 0, npages: 0 }] } }))).toBe(
      'MESSAGE_MALFORMED: $.layout.slots[0].npages: expected an integer >= 1, got 0',
    );
    expect(refusal(() => decodeClusterMessage({ kind: 'stream.page-request', attemptId: 'm1#1', gfns: [4, 5, 'x'] }))).toBe(
      'MESSAGE_MALFORMED: $.gfns[2]: expected an integer >= 0, got "x"',
    );
  });
});

describe('protocol: rules that span fields', () => {
  it('protocol: attemptId must spell <migration>#<attempt> where a message carries all three', () => {
    const [start] = fc.sample(clusterMessageArbitraries['migration.start'], { numRuns: 1, seed: 5 });
    const [prepare] = fc.sample(clusterMessageArbitraries['stream.prepare'], { numRuns: 1, seed: 5 });
    expect(refusal(() => decodeClusterMessage({ ...start!, migration: 'm1', attempt: 2, attemptId: 'm1#1' }))).toBe(
      'MESSAGE_MALFORMED: $.attemptId: expected "m1#2" (<migration>#<attempt>), got "m1#1"',
    );
    expect(refusal(() => decodeClusterMessage({ ...prepare!, migration: 'm1', attempt: 3, attemptId: 'm2#3' }))).toContain('$.attemptId: expected "m1#3"');
  });

  it('protocol: attempts are numbered from 1, pre-copy rounds too', () => {
    const phase = { kind: 'migration.phase', migration: 'm1', attempt: 1, vm: 'vm-1', phase: 'round', round: 1 };
    expect(decodeClusterMessage(phase)).toEqual(phase);
    expect(refusal(() => decodeClusterMessage({ ...phase, attempt: 0 }))).toContain('$.attempt: expected an integer >= 1, got 0');
    expect(refusal(() => decodeClusterMessage({ ...phase, round: 0 }))).toContain('$.round: expected an integer >= 1 or null, got 0');
  });

  it('protocol: an attempt that ends before it starts, or a phase that does, is refused', () => {
    const [ended] = fc.sample(clusterMessageArbitraries['migration.ended'], { numRuns: 1, seed: 11 });
    const valid = { ...ended!, startNs: 5_000_000, endNs: 7_000_000, phases: [{ phase: 'setup' as const, round: null, startMs: 5, endMs: 5.5 }] };
    expect(decodeClusterMessage(overTheWire(valid))).toEqual(valid);
    expect(refusal(() => decodeClusterMessage({ ...valid, endNs: 4_000_000 }))).toBe(
      'MESSAGE_MALFORMED: $.endNs: expected a time >= startNs (5000000), got 4000000',
    );
    expect(refusal(() => decodeClusterMessage({ ...valid, phases: [{ phase: 'setup', round: null, startMs: 5, endMs: 4 }] }))).toBe(
      'MESSAGE_MALFORMED: $.phases[0].endMs: expected a time >= startMs (5), got 4',
    );
  });

  it('protocol: a post-copy trigger is one of its two shapes, told apart by type', () => {
    const [start] = fc.sample(clusterMessageArbitraries['migration.start'], { numRuns: 1, seed: 13 });
    const withTrigger = (postcopyAfter: unknown) => ({ ...start!, params: { ...start!.params, postcopyAfter } });
    expect(decodeClusterMessage(withTrigger({ type: 'round', round: 2 }))).toBeDefined();
    expect(refusal(() => decodeClusterMessage(withTrigger({ type: 'round', afterNs: 2 })))).toContain('$.params.postcopyAfter.round: expected an integer >= 1, got nothing');
    expect(refusal(() => decodeClusterMessage(withTrigger({ type: 'bytes', afterNs: 2 })))).toContain('$.params.postcopyAfter.type: expected one of elapsed, round, got "bytes"');
    expect(refusal(() => decodeClusterMessage(withTrigger('soon')))).toContain('$.params.postcopyAfter: expected an object or null, got "soon"');
  });
});
