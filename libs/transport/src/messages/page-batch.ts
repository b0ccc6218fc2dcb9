import { transportError } from '../errors';
import { readVarint, VARINT_MAX_BYTES, writeVarint } from './varint';

/**
 * Compact encoding of a batch of migrated pages: which gfns, and the version
 * of each page (the destination compares versions to prove its memory equals
 * the source's at switchover).
 *
 * Dirty pages cluster (a guest writes runs of neighbouring pages) and one
 * round's pages mostly share a version, so both halves are run-length coded
 * as unsigned LEB128 varints, then base64'd to stay plain JSON:
 *
 *   ranges   = (gap, length)*   gap = run start - end of the previous run
 *                               (the first gap is the absolute start gfn)
 *   versions = (version, count)* one pair per run of equal versions, in gfn order
 *
 * 512 contiguous pages of one version (a 2 MiB region below gfn 2^21,
 * version below 128) take at most 12 base64 characters in all. The worst case
 * (scattered pages far apart, every version different) is bounded by
 * `maxEncodedPageBatchChars(pageCount)`, 24 characters a page, so a full
 * batch of MAX_PAGES_PER_BATCH pages stays under 400 KiB.
 */
export const MAX_PAGES_PER_BATCH = 16_384;

export interface PageBatch {
  /** Guest frame numbers, strictly ascending, integers in [0, 2^53). */
  readonly gfns: ArrayLike<number>;
  /** One version per gfn, integers in [0, 2^53). */
  readonly versions: ArrayLike<number>;
}

export interface EncodedPageBatch {
  readonly pageCount: number;
  readonly ranges: string;
  readonly versions: string;
}

export interface DecodedPageBatch {
  readonly gfns: Float64Array;
  readonly versions: Float64Array;
}

/**
 * A run of L pages costs one varint of at most 8 bytes plus varintLength(L)
 * bytes, and 8 + varintLength(L) <= 9 * L for every L >= 1: each half takes at
 * most 9 bytes a page, whatever the layout.
 */
const MAX_BYTES_PER_PAGE = VARINT_MAX_BYTES + 1;

/** Worst-case size of `ranges` + `versions` (base64 characters) for `pageCount` pages: 24 a page. */
export function maxEncodedPageBatchChars(pageCount: number): number {
  return 2 * base64Chars(pageCount * MAX_BYTES_PER_PAGE);
}

function base64Chars(byteCount: number): number {
  return 4 * Math.ceil(byteCount / 3);
}

export function encodePageBatch(batch: PageBatch): EncodedPageBatch {
  const pageCount = batch.gfns.length;
  if (pageCount < 1 || pageCount > MAX_PAGES_PER_BATCH) {
    throw transportError('PAGE_BATCH_INVALID', `gfns: expected 1-${MAX_PAGES_PER_BATCH} pages, got ${pageCount}`);
  }
  if (batch.versions.length !== pageCount) {
    throw transportError('PAGE_BATCH_INVALID', `versions: expected ${pageCount} (one per gfn), got ${batch.versions.length}`);
  }
  const ranges = new Uint8Array(pageCount * MAX_BYTES_PER_PAGE);
  const versions = new Uint8Array(pageCount * MAX_BYTES_PER_PAGE);
  let rangesLength = 0;
  let versionsLength = 0;
  let runStart = 0;
  let previousEnd = 0;
  let versionRunStart = 0;
  for (let index = 0; index < pageCount; index++) {
    const gfn = batch.gfns[index] as number;
    const version = batch.versions[index] as number;
    if (!Number.isSafeInteger(gfn) || gfn < 0) throw transportError('PAGE_BATCH_INVALID', `gfns[${index}]: expected an integer >= 0, got ${gfn}`);
    if (!Number.isSafeInteger(version) || version < 0) {
      throw transportError('PAGE_BATCH_INVALID', `versions[${index}]: expected an integer >= 0, got ${version}`);
    }
    if (index > 0) {
      const previousGfn = batch.gfns[index - 1] as number;
      if (gfn <= previousGfn) throw transportError('PAGE_BATCH_INVALID', `gfns[${index}]: expected > ${previousGfn} (strictly ascending), got ${gfn}`);
      if (gfn !== previousGfn + 1) {
        const start = batch.gfns[runStart] as number;
        rangesLength = writeVarint(ranges, rangesLength, start - previousEnd);
        rangesLength = writeVarint(ranges, rangesLength, index - runStart);
        previousEnd = previousGfn + 1;
        runStart = index;
      }
      const previousVersion = batch.versions[index - 1] as number;
      if (version !== previousVersion) {
        versionsLength = writeVarint(versions, versionsLength, previousVersion);
        versionsLength = writeVarint(versions, versionsLength, index - versionRunStart);
        versionRunStart = index;
      }
    }
  }
  rangesLength = writeVarint(ranges, rangesLength, (batch.gfns[runStart] as number) - previousEnd);
  rangesLength = writeVarint(ranges, rangesLength, pageCount - runStart);
  versionsLength = writeVarint(versions, versionsLength, batch.versions[pageCount - 1] as number);
  versionsLength = writeVarint(versions, versionsLength, pageCount - versionRunStart);
  return {
    pageCount,
    ranges: Buffer.from(ranges.buffer, 0, rangesLength).toString('base64'),
    versions: Buffer.from(versions.buffer, 0, versionsLength).toString('base64'),
  };
}

/**
 * Decodes and checks an encoded batch: truncated or over-long varints, empty
 * runs, gfns past 2^53 and counts that disagree with `pageCount` all throw
 * TransportError MESSAGE_MALFORMED naming the field.
 */
export function decodePageBatch(encoded: EncodedPageBatch): DecodedPageBatch {
  const { pageCount } = encoded;
  if (!Number.isSafeInteger(pageCount) || pageCount < 1 || pageCount > MAX_PAGES_PER_BATCH) {
    throw malformed('pageCount', `expected an integer in [1, ${MAX_PAGES_PER_BATCH}], got ${pageCount}`);
  }
  const gfns = new Float64Array(pageCount);
  const rangeBytes = Buffer.from(encoded.ranges, 'base64');
  let filled = 0;
  let nextGfn = 0;
  for (let offset = 0; offset < rangeBytes.length; ) {
    const gap = readVarint(rangeBytes, offset);
    const length = gap && readVarint(rangeBytes, gap.next);
    if (gap === undefined || length === undefined) throw malformed('ranges', `bad varint at byte ${offset}`);
    if (length.value < 1) throw malformed('ranges', `empty run at byte ${offset}`);
    if (filled > 0 && gap.value < 1) throw malformed('ranges', `run at byte ${offset} touches the previous run (runs are maximal)`);
    if (filled + length.value > pageCount) throw malformed('ranges', `more than pageCount=${pageCount} pages`);
    const start = nextGfn + gap.value;
    if (!Number.isSafeInteger(start + length.value)) throw malformed('ranges', `gfn beyond 2^53 at byte ${offset}`);
    for (let k = 0; k < length.value; k++) gfns[filled++] = start + k;
    nextGfn = start + length.value;
    offset = length.next;
  }
  if (filled !== pageCount) throw malformed('ranges', `expected ${pageCount} pages, got ${filled}`);

  const versions = new Float64Array(pageCount);
  const versionBytes = Buffer.from(encoded.versions, 'base64');
  filled = 0;
  for (let offset = 0; offset < versionBytes.length; ) {
    const version = readVarint(versionBytes, offset);
    const count = version && readVarint(versionBytes, version.next);
    if (version === undefined || count === undefined) throw malformed('versions', `bad varint at byte ${offset}`);
    if (count.value < 1) throw malformed('versions', `empty run at byte ${offset}`);
    if (filled + count.value > pageCount) throw malformed('versions', `more than pageCount=${pageCount} versions`);
    versions.fill(version.value, filled, filled + count.value);
    filled += count.value;
    offset = count.next;
  }
  if (filled !== pageCount) throw malformed('versions', `expected ${pageCount} versions, got ${filled}`);
  return { gfns, versions };
}

function malformed(field: string, message: string) {
  return transportError('MESSAGE_MALFORMED', `$.${field}: ${message}`);
}
