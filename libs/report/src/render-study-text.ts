import { formatBytes, formatDurationMs, formatPercent, formatVcpuSeconds } from './format';
import { interestingVms } from './interesting-vms';
import type { HostReport, VariantReport, VariantSummary } from './report-model';
import type { Percentiles } from './study-model';
import { renderTable, type TextColumn } from './text-table';

/** Past this many migrations a variant prints its study summary and only its most interesting migrations. */
export const STUDY_MIGRATIONS = 20;
/** Past this many hosts, the host line counts them by kernel instead of naming each. */
const HOSTS_NAMED = 12;
const INDENT = '  ';

/** The hosts line: each host with its kernel, or for a cluster the count per kernel and the racks. */
export function hostsLine(hosts: readonly HostReport[], describe: (host: HostReport) => string): string {
  if (hosts.length <= HOSTS_NAMED) return `hosts: ${hosts.map(describe).join(' · ')}`;
  const byKernel = new Map<string, number>();
  for (const host of hosts) {
    const kernel = describe({ ...host, name: '' }).trim();
    byKernel.set(kernel, (byKernel.get(kernel) ?? 0) + 1);
  }
  const racks = new Set(hosts.flatMap((host) => (host.rack === undefined ? [] : [host.rack])));
  const kernels = [...byKernel].map(([kernel, count]) => `${count} ${kernel}`).join(' · ');
  return `hosts: ${hosts.length}${racks.size > 0 ? ` in ${racks.size} racks` : ''}: ${kernels}`;
}

const PERCENTILE_COLUMNS: TextColumn[] = [
  { header: 'per migration', align: 'left' },
  { header: 'n', align: 'right' },
  { header: 'p50', align: 'right' },
  { header: 'p90', align: 'right' },
  { header: 'p99', align: 'right' },
  { header: 'max', align: 'right' },
  { header: 'mean', align: 'right' },
];

/**
 * A study's summary in the terminal: makespan and outcomes, percentiles of
 * total time, downtime, bytes, lost work and queue wait, and the peak load
 * of each tier of links. Empty for a variant with few migrations.
 */
export function studyLines(variant: VariantReport, summary: VariantSummary | undefined, table: { indent: string; width: number; color: boolean }): string[] {
  const study = summary?.study;
  if (study === undefined || variant.migrations.length <= STUDY_MIGRATIONS) return [];
  const outcomes = Object.entries(summary!.outcomes)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  const makespan = study.makespanMs === null ? `not over at the horizon (last end so far ${formatDurationMs(study.lastEndMs)})` : formatDurationMs(study.makespanMs);
  const lines = [`${INDENT}study: ${study.migrations} migrations (${outcomes}), ${study.attempts} attempts (${study.retried} retried); makespan ${makespan}`];
  const row = (label: string, p: Percentiles, format: (value: number | null) => string) => [label, String(p.count), format(p.p50), format(p.p90), format(p.p99), format(p.max), format(p.mean)];
  lines.push(
    ...renderTable(
      PERCENTILE_COLUMNS,
      [
        row('total time', study.totalTimeMs, formatDurationMs),
        row('downtime', study.downtimeMs, formatDurationMs),
        row('transferred', study.transferredBytes, formatBytes),
        row('lost work', study.lostWorkVcpuSeconds, (value) => (value === null ? '—' : formatVcpuSeconds(value))),
        row('queue wait', study.queueWaitMs, formatDurationMs),
      ],
      table,
    ),
  );
  if (study.links.length > 0) {
    const links = study.links.map((link) => `${link.tier} peak ${formatPercent(link.peakMeanFraction)} mean, ${formatPercent(link.maxFraction)} busiest link`);
    lines.push(`${INDENT}links: ${links.join(' · ')}`);
  }
  lines.push('');
  return lines;
}

/** In a study, the migrations the table shows: the most interesting ones; the others are in --format csv. */
export function shownMigrations(variant: VariantReport): { variant: VariantReport; hidden: number } {
  if (variant.migrations.length <= STUDY_MIGRATIONS) return { variant, hidden: 0 };
  const chosen = new Set(interestingVms([variant], STUDY_MIGRATIONS).map((vm) => vm.migration));
  const migrations = variant.migrations.filter((migration) => chosen.has(migration.id));
  return { variant: { ...variant, migrations }, hidden: variant.migrations.length - migrations.length };
}

/** The line under a shortened migration table. */
export function hiddenMigrationsLine(hidden: number): string[] {
  return hidden === 0 ? [] : [`${INDENT}... ${hidden} more migrations (the failed, slowest and most degraded are shown): every one with --format csv`];
}
