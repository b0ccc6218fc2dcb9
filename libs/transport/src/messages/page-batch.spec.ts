import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePageBatch, encodePageBatch, MAX_PAGES_PER_BATCH, maxEncodedPageBatchChars } from './page-batch';

/** Strictly ascending gfns built from gaps, each with a version. */
const batches = fc
  .array(
    fc.record({
      gap: fc.oneof(fc.constant(1), fc.nat({ max: 10 }).map((n) => n + 1), fc.integer({ min: 1, max: 2 ** 40 })),
      version: fc.oneof(fc.constant(7), fc.nat({ max: 3 }), fc.maxSafeNat()),
    }),
    { minLength: 1, maxLength: 600 },
  )
  .map((pages) => {
    const gfns: number[] = [];
    let gfn = -1;
    for (const page of pages) {
      gfn += page.gap;
      gfns.push(gfn);
    }
    return { gfns, versions: pages.map((page) => page.version) };
  })
  .filter((batch) => (batch.gfns.at(-1) as number) <= Number.MAX_SAFE_INTEGER);

describe('page batch encoding', () => {
  it('page-batch: any batch round-trips exactly', () => {
    fc.assert(
      fc.property(batches, (batch) => {
        const decoded = decodePageBatch(encodePageBatch(batch));
        expect(Array.from(decoded.gfns)).toEqual(batch.gfns);
        expect(Array.from(decoded.versions)).toEqual(batch.versions);
      }),
      { numRuns: 300 },
    );
  });

  it('page-batch: the encoding never exceeds maxEncodedPageBatchChars(pageCount)', () => {
    fc.assert(
      fc.property(batches, (batch) => {
        const encoded = encodePageBatch(batch);
        expect(encoded.ranges.length + encoded.versions.length).toBeLessThanOrEqual(maxEncodedPageBatchChars(batch.gfns.length));
      }),
      { numRuns: 300 },
    );
    // Reached only by scattered pages far apart with distinct versions: 24 characters a page, under 400 KiB a batch.
    expect(maxEncodedPageBatchChars(MAX_PAGES_PER_BATCH)).toBe(24 * MAX_PAGES_PER_BATCH);
    expect(maxEncodedPageBatchChars(MAX_PAGES_PER_BATCH)).toBeLessThan(400 * 1024);
  });

  it('page-batch: a 2 MiB region (512 contiguous pages, one version) takes at most 12 characters', () => {
    const gfns = Array.from({ length: 512 }, (_, k) => 2 ** 21 - 512 + k);
    const encoded = encodePageBatch({ gfns, versions: new Array(512).fill(127) });
    expect(encoded.ranges.length + encoded.versions.length).toBeLessThanOrEqual(12);
    // The same batch as a JSON array of [gfn, version] pairs would take 512 * 14 characters.
    expect(JSON.stringify(gfns.map((gfn) => [gfn, 127])).length).toBeGreaterThan(7_000);
  });

  it('page-batch: scattered pages at the top of a 16 TiB guest, versions all different, still round-trip', () => {
    const gfns = Array.from({ length: 100 }, (_, k) => 2 ** 32 - 1 - (99 - k) * 1_000);
    const versions = gfns.map((_, k) => 2 ** 40 + k);
    const decoded = decodePageBatch(encodePageBatch({ gfns, versions }));
    expect(Array.from(decoded.gfns)).toEqual(gfns);
    expect(Array.from(decoded.versions)).toEqual(versions);
  });

  it('page-batch: an invalid batch is refused before encoding, naming the index', () => {
    expect(() => encodePageBatch({ gfns: [], versions: [] })).toThrow(/PAGE_BATCH_INVALID: gfns: expected 1-16384 pages, got 0/);
    expect(() => encodePageBatch({ gfns: [1, 2], versions: [1] })).toThrow(/versions: expected 2 \(one per gfn\), got 1/);
    expect(() => encodePageBatch({ gfns: [5, 5], versions: [1, 1] })).toThrow(/gfns\[1\]: expected > 5 \(strictly ascending\), got 5/);
    expect(() => encodePageBatch({ gfns: [-1], versions: [1] })).toThrow(/gfns\[0\]: expected an integer >= 0, got -1/);
    expect(() => encodePageBatch({ gfns: [1], versions: [0.5] })).toThrow(/versions\[0\]: expected an integer >= 0, got 0.5/);
    const tooMany = Array.from({ length: MAX_PAGES_PER_BATCH + 1 }, (_, k) => k);
    expect(() => encodePageBatch({ gfns: tooMany, versions: tooMany })).toThrow(/PAGE_BATCH_INVALID/);
  });

  it('page-batch: corrupt encodings are MESSAGE_MALFORMED naming the field', () => {
    const good = encodePageBatch({ gfns: [10, 11, 12, 40], versions: [1, 1, 2, 2] });
    expect(() => decodePageBatch({ ...good, pageCount: 5 })).toThrow(/MESSAGE_MALFORMED: \$\.ranges: expected 5 pages, got 4/);
    expect(() => decodePageBatch({ ...good, pageCount: 3 })).toThrow(/MESSAGE_MALFORMED: \$\.ranges: more than pageCount=3 pages/);
    expect(() => decodePageBatch({ ...good, ranges: Buffer.from([0x80]).toString('base64') })).toThrow(/\$\.ranges: bad varint at byte 0/);
    expect(() => decodePageBatch({ ...good, ranges: Buffer.from([1, 0]).toString('base64') })).toThrow(/\$\.ranges: empty run/);
    expect(() => decodePageBatch({ ...good, ranges: Buffer.from([1, 2, 0, 2]).toString('base64') })).toThrow(/touches the previous run/);
    expect(() => decodePageBatch({ ...good, versions: Buffer.from([1, 3]).toString('base64') })).toThrow(/\$\.versions: expected 4 versions, got 3/);
    expect(() => decodePageBatch({ ...good, pageCount: 0 })).toThrow(/\$\.pageCount: expected an integer in \[1, 16384\], got 0/);
    const overLong = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1]).toString('base64');
    expect(() => decodePageBatch({ ...good, pageCount: 1, ranges: overLong })).toThrow(/\$\.ranges: bad varint/);
  });
});
