import type { QueryMigrateInfo } from '@migsim/migration';

/** The `query-migrate` reply of an attempt that never started (QEMU: status failed, nothing transferred). */
export function emptyQueryMigrateInfo(errorDesc: string): QueryMigrateInfo {
  return {
    status: 'failed',
    'total-time': 0,
    'setup-time': 0,
    ram: {
      transferred: 0,
      remaining: 0,
      total: 0,
      duplicate: 0,
      normal: 0,
      'normal-bytes': 0,
      'dirty-pages-rate': 0,
      mbps: 0,
      'dirty-sync-count': 0,
      'precopy-bytes': 0,
      'downtime-bytes': 0,
      'postcopy-bytes': 0,
    },
    'error-desc': errorDesc,
  };
}

/** The `query-migrate` reply of an attempt whose start had not reached its source by the horizon. */
export function notStartedInfo(): QueryMigrateInfo {
  const { 'error-desc': _none, ...info } = emptyQueryMigrateInfo('');
  return { ...info, status: 'setup' };
}
