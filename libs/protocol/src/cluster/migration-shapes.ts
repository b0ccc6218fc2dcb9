import {
  MIGRATION_STATUSES,
  type QueryMigrateInfo,
  type RamLayoutSpec,
  type RamSlotSpec,
  type RamStats,
  type SwitchoverCheck,
  type SwitchoverVerification,
} from '@migsim/migration';
import { bytes, count, digest32, timeMs } from './field-rules';
import { anyString, arrayOf, bool, finite, integer, nonEmptyString, nullable, object, objectOf, oneOf, optional, type Rule } from './rules';

/** Shapes from libs/migration that travel inside cluster messages. */

/** `MigrationStats` of QEMU's `query-migrate` (qapi/migration.json), in its names and units. */
const ramStats = object<RamStats>({
  transferred: bytes,
  remaining: bytes,
  total: bytes,
  duplicate: count,
  normal: count,
  'normal-bytes': bytes,
  'dirty-pages-rate': finite(0),
  mbps: finite(0),
  'dirty-sync-count': count,
  'precopy-bytes': bytes,
  'downtime-bytes': bytes,
  'postcopy-bytes': bytes,
  'postcopy-requests': optional(count),
  'page-size': optional(integer(1)),
});

export const queryMigrateInfo = object<QueryMigrateInfo>({
  status: oneOf(...MIGRATION_STATUSES),
  'total-time': timeMs,
  downtime: optional(timeMs),
  'setup-time': timeMs,
  'expected-downtime': optional(timeMs),
  ram: ramStats,
  'cpu-throttle-percentage': optional(finite(0, 100)),
  'error-desc': optional(anyString),
});

const switchoverMode = oneOf('precopy', 'postcopy-start', 'postcopy-end', 'fluid');

export const switchoverCheck = object<SwitchoverCheck>({
  migrationId: nonEmptyString,
  mode: switchoverMode,
  precedingBatchCount: count,
  versionsDigest: nullable(digest32),
  absentPageCount: count,
});

export const switchoverVerification = object<SwitchoverVerification>({
  verified: nullable(bool),
  mode: switchoverMode,
  sourceDigest: nullable(digest32),
  destinationDigest: nullable(digest32),
  absentPageCount: count,
  detail: optional(anyString),
});

const ramSlot = objectOf<RamSlotSpec>({ id: count, baseGfn: count, npages: integer(1) });

/** The memslots sent to the destination; overlaps are refused where the layout is built (`RamLayout`). */
export const ramLayoutSpec: Rule<RamLayoutSpec> = object<RamLayoutSpec>({ slots: arrayOf(ramSlot) });
