import { migrationTotals } from './migration-totals';
import type { MigrationReport, Report, VariantReport } from './report-model';

/**
 * One row per migration: what `migsim simulate --format csv` prints and what
 * the study summary is computed from. Times are simulated seconds (to the
 * microsecond), downtime milliseconds. A value that does not apply is null
 * (an empty CSV field): no rack without a network, no end while unfinished,
 * no downtime unless completed.
 */
export interface MigrationRow {
  variant: string;
  id: string;
  vm: string;
  source: string;
  destination: string;
  sourceRack: string | null;
  destinationRack: string | null;
  outcome: MigrationReport['outcome'];
  attempts: number;
  requestedS: number | null;
  startS: number | null;
  endS: number | null;
  queueWaitS: number | null;
  totalTimeS: number | null;
  downtimeMs: number | null;
  rounds: number | null;
  transferredBytes: number;
  lostWorkVcpuS: number | null;
  memoryBytes: number | null;
  reason: string | null;
}

export const MIGRATION_ROW_COLUMNS: readonly (readonly [keyof MigrationRow, string])[] = [
  ['variant', 'variant'],
  ['id', 'id'],
  ['vm', 'vm'],
  ['source', 'source'],
  ['destination', 'destination'],
  ['sourceRack', 'source_rack'],
  ['destinationRack', 'destination_rack'],
  ['outcome', 'outcome'],
  ['attempts', 'attempts'],
  ['requestedS', 'requested_s'],
  ['startS', 'start_s'],
  ['endS', 'end_s'],
  ['queueWaitS', 'queue_wait_s'],
  ['totalTimeS', 'total_time_s'],
  ['downtimeMs', 'downtime_ms'],
  ['rounds', 'rounds'],
  ['transferredBytes', 'transferred_bytes'],
  ['lostWorkVcpuS', 'lost_work_vcpu_s'],
  ['memoryBytes', 'memory_bytes'],
  ['reason', 'reason'],
];

export function migrationRows(variant: VariantReport): MigrationRow[] {
  const rackOf = new Map(variant.hosts.map((host) => [host.name, host.rack ?? null]));
  const memoryOf = new Map(variant.vms.map((vm) => [vm.name, vm.memoryBytes]));
  return variant.migrations.map((migration) => {
    const totals = migrationTotals(migration);
    const first = migration.attempts[0];
    const last = migration.attempts.at(-1);
    const ended = last !== undefined && last.endMs !== null && migration.outcome !== 'unfinished';
    const lost = migration.attempts.every((attempt) => attempt.lostWorkVcpuSeconds === undefined)
      ? null
      : migration.attempts.reduce((sum, attempt) => sum + (attempt.lostWorkVcpuSeconds ?? 0), 0);
    return {
      variant: variant.name,
      id: migration.id,
      vm: migration.vm,
      source: migration.source,
      destination: migration.destination,
      sourceRack: rackOf.get(migration.source) ?? null,
      destinationRack: rackOf.get(migration.destination) ?? null,
      outcome: migration.outcome,
      attempts: migration.attempts.length,
      requestedS: migration.requestedMs === undefined ? null : seconds(migration.requestedMs),
      startS: first === undefined ? null : seconds(first.startMs),
      endS: ended ? seconds(last.endMs!) : null,
      queueWaitS: first === undefined || migration.requestedMs === undefined ? null : seconds(first.startMs - migration.requestedMs),
      totalTimeS: ended ? seconds(totals.totalTimeMs) : null,
      downtimeMs: migration.outcome === 'completed' ? totals.downtimeMs : null,
      rounds: totals.dirtySyncCount,
      transferredBytes: totals.transferredBytes,
      lostWorkVcpuS: lost,
      memoryBytes: memoryOf.get(migration.vm) ?? null,
      reason: migration.outcome === 'completed' ? null : totals.errorDescription,
    };
  });
}

/** Every variant's rows as CSV (RFC 4180: a header line, comma-separated, quoted where needed, CRLF-free). */
export function renderMigrationsCsv(report: Report): string {
  const lines = [MIGRATION_ROW_COLUMNS.map(([, header]) => header).join(',')];
  for (const variant of report.variants) {
    for (const row of migrationRows(variant)) lines.push(MIGRATION_ROW_COLUMNS.map(([key]) => csvField(row[key])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Seconds to the microsecond: rows print the same digits as the JSON report's milliseconds. */
function seconds(ms: number): number {
  return Math.round(ms * 1000) / 1e6;
}
