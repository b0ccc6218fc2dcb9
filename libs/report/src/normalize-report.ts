import { roundForKey } from './precision';
import { ReportError } from './report-error';
import type { Report } from './report-model';

/**
 * Key order of every object in a report: keys listed here come first, in this
 * order; any other key (e.g. a newer `query-migrate` field) follows in
 * alphabetical order. One global list works because each object only holds
 * its own keys. The order makes a report read top-down: identity first,
 * then data, then the summary.
 */
const KEY_ORDER: readonly string[] = [
  // report
  'schemaVersion', 'generatedBy', 'tool', 'version', 'scenario', 'seed', 'engine', 'horizonMs',
  // identities
  'name', 'id', 'attempt', 'variant', 'vm', 'host', 'source', 'destination', 'algorithm', 'strategy', 'trigger', 'cause',
  'description', 'file',
  // outcomes and pass/fail
  'outcome', 'reason', 'outcomes', 'completed', 'passed', 'failed', 'cancelled', 'aborted', 'unfinished',
  // kernel summary
  'kernel', 'preset', 'mmu', 'pml', 'eagerSplit', 'recovery',
  // VM, host
  'memoryBytes', 'vcpus', 'rack',
  // migrations
  'requestedMs', 'attempts', 'startMs', 'endMs', 'phases', 'phase', 'round', 'info',
  // query-migrate, in QEMU's own order (qapi/migration.json MigrationInfo)
  'status', 'total-time', 'downtime', 'expected-downtime', 'setup-time', 'cpu-throttle-percentage', 'error-desc', 'ram',
  'transferred', 'remaining', 'total', 'duplicate', 'normal', 'normal-bytes', 'dirty-pages-rate', 'mbps',
  'dirty-sync-count', 'precopy-bytes', 'downtime-bytes', 'postcopy-bytes',
  // timelines
  'timeline', 'tMs', 'relativeThroughput', 'hugeFraction', 'fraction4k', 'dirtyLogging',
  // recovery
  'recoveries', 'timeTo90PctMs', 'timeTo95PctMs', 'timeTo99PctMs', 'minRelativeThroughput', 'lostWorkVcpuSeconds', 'refaults',
  'finalHugeFraction', 'finalRelativeThroughput', 'disable', 'simulatedMs', 'tlbFlushes', 'sptesZapped',
  'rmapEntriesScanned', 'lockYields', 'lockHoldMaxMs', 'hugeInstalled',
  // events and checks
  'kind', 'subject', 'detail', 'firstViolationMs',
  // lists and summary
  'hosts', 'migrations', 'vms', 'events', 'checks', 'variants', 'summary',
  // network usage and the study summary
  'network', 'migrationNetwork', 'tiers', 'tier', 'links', 'capacityBytesPerSec', 'points', 'meanFraction', 'maxFraction', 'busyLinks',
  'peakMeanFraction', 'study', 'retried', 'firstRequestMs', 'lastEndMs', 'makespanMs', 'totalTimeMs', 'downtimeMs', 'transferredBytes',
  'queueWaitMs', 'count', 'mean', 'p50', 'p90', 'p95', 'p99', 'max',
  // how the services ran it
  'execution', 'driver', 'wallMs', 'windows', 'windowsPerSimulatedSecond', 'speed', 'shards',
];
const KEY_RANK = new Map(KEY_ORDER.map((key, index) => [key, index]));

function compareKeys(a: string, b: string): number {
  const rankA = KEY_RANK.get(a) ?? Number.MAX_SAFE_INTEGER;
  const rankB = KEY_RANK.get(b) ?? Number.MAX_SAFE_INTEGER;
  if (rankA !== rankB) return rankA - rankB;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical form of a report: keys in `KEY_ORDER`, numbers rounded by
 * the rules of `precision.ts`, each variant's events in time order (ties keep
 * the producer's order), `undefined` properties dropped. `renderJson` prints
 * exactly this; applying it twice changes nothing.
 *
 * @throws ReportError `REPORT_NOT_FINITE` for NaN or an infinity (JSON would silently turn them into null).
 */
export function normalizeReport(report: Report): Report {
  const canonical = canonicalize(report, '', '') as Report;
  for (const variant of canonical.variants) {
    variant.events = [...variant.events].sort((a, b) => a.tMs - b.tMs);
  }
  return canonical;
}

function canonicalize(value: unknown, key: string, path: string): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ReportError('REPORT_NOT_FINITE', `report: ${path}: found ${String(value)}, expected a finite number`);
    }
    return roundForKey(key, value);
  }
  if (Array.isArray(value)) {
    // Array elements take their precision rule from the key of the array.
    return value.map((item, index) => canonicalize(item, key, `${path}[${index}]`));
  }
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    entries.sort(([a], [b]) => compareKeys(a, b));
    for (const [childKey, item] of entries) {
      result[childKey] = canonicalize(item, childKey, path === '' ? childKey : `${path}.${childKey}`);
    }
    return result;
  }
  return value;
}
