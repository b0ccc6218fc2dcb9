import type { MigrationPhaseName, PageBatch } from '@migsim/migration';
import { fieldCount, fieldsOf, malformed, malformedGot, refuseUnknownFields } from './decode-error';
import { fieldNames } from './rules';

/**
 * `PageBatch` (libs/migration page-batch.ts), the bulk of the traffic
 * between hosts: written out by hand with plain loops and no path string
 * built unless a check fails.
 *
 * Beyond each field's type it checks what the destination relies on when it
 * walks a batch (`forEachBatchPage`, `MigrationDestination`): `ranges` and
 * `discardRanges` are `[firstGfn, pageCount, ...]` pairs with counts >= 1,
 * `versionRuns` are `[version, runLength, ...]` pairs with one-byte versions
 * and runs >= 1, and ranges, runs and `zeroPageCount + normalPageCount` all
 * count the same pages.
 */

const KINDS: Readonly<Record<PageBatch['kind'], true>> = { pages: true, fluid: true, 'device-state': true, 'postcopy-package': true };
const PHASES: Readonly<Record<MigrationPhaseName, true>> = {
  setup: true,
  round: true,
  'stop-and-copy': true,
  postcopy: true,
  'postcopy-paused': true,
  completed: true,
  failed: true,
  cancelled: true,
};
const KINDS_EXPECTED = `one of ${Object.keys(KINDS).join(', ')}`;
const PHASES_EXPECTED = `one of ${Object.keys(PHASES).join(', ')}`;

const FIELDS = fieldNames<PageBatch>({
  migrationId: 'required',
  seq: 'required',
  kind: 'required',
  phase: 'required',
  syncCount: 'required',
  ranges: 'required',
  versionRuns: 'required',
  zeroPageCount: 'required',
  normalPageCount: 'required',
  wireBytes: 'required',
  urgent: 'optional',
  discardRanges: 'optional',
});

/** Page versions are one byte (page-version.ts). */
const MAX_PAGE_VERSION = 255;

export function decodePageBatch(value: unknown, path: string): PageBatch {
  const batch = fieldsOf(value, path);
  const migrationId = batch.migrationId;
  if (typeof migrationId !== 'string' || migrationId.length === 0) throw malformed(`${path}.migrationId`, 'a non-empty string', migrationId);
  checkCount(batch.seq, path, 'seq');
  const kind = batch.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) throw malformed(`${path}.kind`, KINDS_EXPECTED, kind);
  const phase = batch.phase;
  if (typeof phase !== 'string' || !Object.hasOwn(PHASES, phase)) throw malformed(`${path}.phase`, PHASES_EXPECTED, phase);
  checkCount(batch.syncCount, path, 'syncCount');
  const rangePages = gfnRangePages(batch.ranges, path, 'ranges');
  const runPages = versionRunPages(batch.versionRuns, path);
  const zero = checkCount(batch.zeroPageCount, path, 'zeroPageCount');
  const normal = checkCount(batch.normalPageCount, path, 'normalPageCount');
  const wireBytes = batch.wireBytes;
  if (typeof wireBytes !== 'number' || !(wireBytes >= 0) || wireBytes === Infinity) throw malformed(`${path}.wireBytes`, 'a finite number >= 0', wireBytes);
  let expectedFields = FIELDS.requiredCount;
  const urgent = batch.urgent;
  if (urgent !== undefined) {
    if (typeof urgent !== 'boolean') throw malformed(`${path}.urgent`, 'a boolean', urgent);
    expectedFields++;
  }
  if (batch.discardRanges !== undefined) {
    gfnRangePages(batch.discardRanges, path, 'discardRanges');
    expectedFields++;
  }
  if (fieldCount(batch) !== expectedFields) refuseUnknownFields(batch, FIELDS.all, path);
  const pages = zero + normal;
  if (rangePages !== pages) throw malformedGot(`${path}.ranges`, `ranges of zeroPageCount + normalPageCount = ${pages} pages`, `${rangePages} pages`);
  if (runPages !== pages) throw malformedGot(`${path}.versionRuns`, `runs of zeroPageCount + normalPageCount = ${pages} pages`, `${runPages} pages`);
  return value as PageBatch;
}

function checkCount(value: unknown, path: string, key: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw malformed(`${path}.${key}`, 'an integer >= 0', value);
  return value as number;
}

/** Pages `[firstGfn, pageCount, ...]` covers. */
function gfnRangePages(ranges: unknown, path: string, key: string): number {
  if (!Array.isArray(ranges)) throw malformed(`${path}.${key}`, 'an array', ranges);
  const length = ranges.length;
  if ((length & 1) !== 0) throw malformedGot(`${path}.${key}`, 'an even number of entries ([firstGfn, pageCount, ...])', `${length}`);
  let pages = 0;
  for (let i = 0; i < length; i += 2) {
    const first: unknown = ranges[i];
    const pageCount: unknown = ranges[i + 1];
    if (!Number.isSafeInteger(first) || (first as number) < 0) throw malformed(`${path}.${key}[${i}]`, 'an integer >= 0', first);
    if (!Number.isSafeInteger(pageCount) || (pageCount as number) < 1) throw malformed(`${path}.${key}[${i + 1}]`, 'an integer >= 1', pageCount);
    pages += pageCount as number;
  }
  return pages;
}

/** Pages `[version, runLength, ...]` covers. */
function versionRunPages(runs: unknown, path: string): number {
  if (!Array.isArray(runs)) throw malformed(`${path}.versionRuns`, 'an array', runs);
  const length = runs.length;
  if ((length & 1) !== 0) throw malformedGot(`${path}.versionRuns`, 'an even number of entries ([version, runLength, ...])', `${length}`);
  let pages = 0;
  for (let i = 0; i < length; i += 2) {
    const version: unknown = runs[i];
    const runLength: unknown = runs[i + 1];
    if (!Number.isSafeInteger(version) || (version as number) < 0 || (version as number) > MAX_PAGE_VERSION) {
      throw malformed(`${path}.versionRuns[${i}]`, `an integer in [0, ${MAX_PAGE_VERSION}]`, version);
    }
    if (!Number.isSafeInteger(runLength) || (runLength as number) < 1) throw malformed(`${path}.versionRuns[${i + 1}]`, 'an integer >= 1', runLength);
    pages += runLength as number;
  }
  return pages;
}
