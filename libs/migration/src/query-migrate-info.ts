import { NS_PER_MS, PAGE_SIZE_BYTES } from './qemu-constants';
import type { MigrationStatus, QueryMigrateInfo } from './query-migrate';
import type { RamCounters } from './ram-counters';

/** What a machine knows when asked for `query-migrate`. */
export interface InfoSnapshot {
  status: MigrationStatus;
  /** Since start, until the end once ended. */
  elapsedNs: number;
  setupTimeNs: number;
  counters: RamCounters;
  /** Fluid peers send bytes, not pages. */
  fluid: boolean;
  remainingBytes: number;
  totalBytes: number;
  mbps: number;
  expectedDowntimeMs: number;
  /** Set once the destination runs the VM (post-copy switch or completion). */
  downtimeNs: number | null;
  throttlePercent: number;
  errorDesc: string | undefined;
}

/** QEMU `fill_source_migration_info` / `populate_ram_info` / `populate_time_info`, in its field names and units. */
export function buildQueryMigrateInfo(s: InfoSnapshot): QueryMigrateInfo {
  const c = s.counters;
  // Fluid peers: report the bytes as whole pages' worth of payload.
  const normalPages = s.fluid ? Math.floor(c.transferredBytes / PAGE_SIZE_BYTES) : c.normalPages;
  const info: QueryMigrateInfo = {
    status: s.status,
    'total-time': Math.round(s.elapsedNs / NS_PER_MS),
    'setup-time': Math.round(s.setupTimeNs / NS_PER_MS),
    ram: {
      transferred: c.transferredBytes,
      remaining: s.remainingBytes,
      total: s.totalBytes,
      duplicate: c.zeroPages,
      normal: normalPages,
      'normal-bytes': normalPages * PAGE_SIZE_BYTES,
      'dirty-pages-rate': Math.round(c.dirtyPagesRate),
      mbps: s.mbps,
      'dirty-sync-count': c.syncCount,
      'precopy-bytes': c.precopyBytes,
      'downtime-bytes': c.downtimeBytes,
      'postcopy-bytes': c.postcopyBytes,
      'postcopy-requests': c.postcopyRequests,
      'page-size': PAGE_SIZE_BYTES,
    },
  };
  // populate_time_info: downtime once post-copy runs or the migration completed, else expected-downtime.
  if (s.downtimeNs !== null) info.downtime = Math.round(s.downtimeNs / NS_PER_MS);
  else info['expected-downtime'] = Math.round(s.expectedDowntimeMs);
  if (s.throttlePercent > 0) info['cpu-throttle-percentage'] = s.throttlePercent;
  if (s.status === 'failed' && s.errorDesc !== undefined) info['error-desc'] = s.errorDesc;
  return info;
}
