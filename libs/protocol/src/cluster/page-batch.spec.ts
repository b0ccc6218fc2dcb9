import { forEachBatchPage, type PageBatch } from '@migsim/migration';
import { isTransportError } from '@migsim/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageBatchArbitrary } from './cluster-arbitraries';
import { decodeClusterMessage } from './cluster-message';

/** A stream.batch of 6 pages: gfns 10-13 at version 3, 20-21 at version 4. */
function batchMessage(batch: { readonly [field: string]: unknown } = {}) {
  return {
    kind: 'stream.batch',
    attemptId: 'm1#1',
    batch: {
      migrationId: 'm1#1',
      seq: 4,
      kind: 'pages',
      phase: 'round',
      syncCount: 2,
      ranges: [10, 4, 20, 2],
      versionRuns: [3, 4, 4, 2],
      zeroPageCount: 1,
      normalPageCount: 5,
      wireBytes: 20_534,
      ...batch,
    },
  };
}

function refusal(value: unknown): string {
  try {
    decodeClusterMessage(value, '$.message');
  } catch (error) {
    if (isTransportError(error, 'MESSAGE_MALFORMED')) return error.message;
    throw error;
  }
  throw new Error('expected MESSAGE_MALFORMED, but it decoded');
}

describe('protocol: a page batch carries pages the destination can walk', () => {
  it('protocol: ranges, version runs and page counts that agree decode, and the destination sees every page once', () => {
    const message = batchMessage();
    expect(decodeClusterMessage(message)).toBe(message);
    const pages: [number, number][] = [];
    forEachBatchPage(message.batch as PageBatch, (gfn, version) => pages.push([gfn, version]));
    expect(pages).toEqual([[10, 3], [11, 3], [12, 3], [13, 3], [20, 4], [21, 4]]);
  });

  it('protocol: any generated batch agrees with itself the way forEachBatchPage needs', () => {
    fc.assert(
      fc.property(pageBatchArbitrary, (batch) => {
        let visited = 0;
        forEachBatchPage(batch, () => visited++);
        expect(visited).toBe(batch.zeroPageCount + batch.normalPageCount);
        const message = { kind: 'stream.batch', attemptId: 'm1#1', batch };
        expect(decodeClusterMessage(JSON.parse(JSON.stringify(message)))).toEqual(message);
      }),
    );
  });

  it('protocol: the brief example: a negative gfn names its index in the ranges', () => {
    expect(refusal(batchMessage({ ranges: [10, 4, -1, 2] }))).toBe('MESSAGE_MALFORMED: $.message.batch.ranges[2]: expected an integer >= 0, got -1');
  });

  it('protocol: ranges and version runs come in pairs', () => {
    expect(refusal(batchMessage({ ranges: [10, 4, 20] }))).toBe(
      'MESSAGE_MALFORMED: $.message.batch.ranges: expected an even number of entries ([firstGfn, pageCount, ...]), got 3',
    );
    expect(refusal(batchMessage({ versionRuns: [3, 4, 4] }))).toBe(
      'MESSAGE_MALFORMED: $.message.batch.versionRuns: expected an even number of entries ([version, runLength, ...]), got 3',
    );
  });

  it('protocol: an empty range or run, or a version beyond one byte, is refused', () => {
    expect(refusal(batchMessage({ ranges: [10, 4, 20, 0] }))).toBe('MESSAGE_MALFORMED: $.message.batch.ranges[3]: expected an integer >= 1, got 0');
    expect(refusal(batchMessage({ versionRuns: [3, 0, 4, 6] }))).toBe('MESSAGE_MALFORMED: $.message.batch.versionRuns[1]: expected an integer >= 1, got 0');
    expect(refusal(batchMessage({ versionRuns: [256, 6] }))).toBe('MESSAGE_MALFORMED: $.message.batch.versionRuns[0]: expected an integer in [0, 255], got 256');
  });

  it('protocol: ranges, runs and page counts that disagree are refused', () => {
    expect(refusal(batchMessage({ ranges: [10, 4, 20, 3] }))).toBe(
      'MESSAGE_MALFORMED: $.message.batch.ranges: expected ranges of zeroPageCount + normalPageCount = 6 pages, got 7 pages',
    );
    expect(refusal(batchMessage({ versionRuns: [3, 4, 4, 1] }))).toBe(
      'MESSAGE_MALFORMED: $.message.batch.versionRuns: expected runs of zeroPageCount + normalPageCount = 6 pages, got 5 pages',
    );
    expect(refusal(batchMessage({ zeroPageCount: 2 }))).toContain('$.message.batch.ranges: expected ranges of zeroPageCount + normalPageCount = 7 pages, got 6 pages');
  });

  it('protocol: the optional fields are checked when present', () => {
    const packageMessage = batchMessage({ kind: 'postcopy-package', ranges: [], versionRuns: [], zeroPageCount: 0, normalPageCount: 0, discardRanges: [100, 3] });
    expect(decodeClusterMessage(packageMessage)).toBe(packageMessage);
    expect(refusal(batchMessage({ urgent: 1 }))).toBe('MESSAGE_MALFORMED: $.message.batch.urgent: expected a boolean, got 1');
    expect(refusal(batchMessage({ discardRanges: [100] }))).toContain('$.message.batch.discardRanges: expected an even number of entries');
    expect(refusal(batchMessage({ discardRanges: [100, 1.5] }))).toBe('MESSAGE_MALFORMED: $.message.batch.discardRanges[1]: expected an integer >= 1, got 1.5');
  });

  it('protocol: an unknown field of the batch or of the message is refused', () => {
    expect(refusal(batchMessage({ checksum: 7 }))).toBe('MESSAGE_MALFORMED: $.message.batch.checksum: expected no such field, got 7');
    expect(refusal({ ...batchMessage(), lazy: true })).toBe('MESSAGE_MALFORMED: $.message.lazy: expected no such field, got true');
  });

  it('protocol: the batch fields are checked in full: id, numbers, kind, phase', () => {
    expect(refusal(batchMessage({ migrationId: '' }))).toBe('MESSAGE_MALFORMED: $.message.batch.migrationId: expected a non-empty string, got ""');
    expect(refusal(batchMessage({ seq: 1.5 }))).toBe('MESSAGE_MALFORMED: $.message.batch.seq: expected an integer >= 0, got 1.5');
    expect(refusal(batchMessage({ kind: 'zero-pages' }))).toBe(
      'MESSAGE_MALFORMED: $.message.batch.kind: expected one of pages, fluid, device-state, postcopy-package, got "zero-pages"',
    );
    expect(refusal(batchMessage({ phase: 'round-1' }))).toContain('$.message.batch.phase: expected one of setup, round, stop-and-copy, postcopy, postcopy-paused, completed, failed, cancelled');
    expect(refusal(batchMessage({ wireBytes: null }))).toBe('MESSAGE_MALFORMED: $.message.batch.wireBytes: expected a finite number >= 0, got null');
    expect(refusal({ ...batchMessage(), attemptId: 4 })).toBe('MESSAGE_MALFORMED: $.message.attemptId: expected a non-empty string, got 4');
    expect(refusal({ ...batchMessage(), batch: [] })).toBe('MESSAGE_MALFORMED: $.message.batch: expected an object, got []');
  });
});
