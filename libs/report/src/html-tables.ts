import type { QueryMigrateInfo } from '@migsim/migration';
import { formatBytes, formatCount, formatDurationMs, formatNumber, formatPercent, formatVcpuSeconds } from './format';
import { escapeHtml as esc } from './html-escape';
import { seriesStyle } from './html-palette';
import { attemptReason, migrationTotals, phaseLabel } from './migration-totals';
import { comparisonHighlights, comparisonVerdict, NEVER_BELOW, recoveryComparisonRows, timeToLevelText } from './recovery-comparison';
import type { MigrationAttempt, Report, VariantReport } from './report-model';

/** The HTML tables of the report. Every embedded string is escaped. */

function cell(text: string, cssClass = ''): string {
  return cssClass === '' ? `<td>${esc(text)}</td>` : `<td class="${cssClass}">${esc(text)}</td>`;
}

function headerRow(headers: readonly (string | [string, string])[]): string {
  return `<tr>${headers
    .map((header) => (typeof header === 'string' ? `<th scope="col">${esc(header)}</th>` : `<th scope="col" class="${header[1]}">${esc(header[0])}</th>`))
    .join('')}</tr>`;
}

function outcomeBadge(outcome: string): string {
  return `<span class="badge outcome-${esc(outcome)}">${esc(outcome)}</span>`;
}

export function recoveryComparisonTable(report: Report): string {
  const rows = recoveryComparisonRows(report);
  if (rows.length === 0) return '<p class="note">No VM had dirty logging switched off after a failure, cancel or probe.</p>';
  const best = comparisonHighlights(rows);
  const styleIndexOf = new Map(report.variants.map((variant, index) => [variant.name, index]));
  const num = 'num';
  const body = rows
    .map((row, index) => {
      const recovery = row.recovery;
      const isBest = (which: Set<number>): string => (which.has(index) ? `${num} best` : num);
      const swatch = `<span class="swatch" style="background:${seriesStyle(styleIndexOf.get(row.variant) ?? 0).color}"></span>`;
      return (
        `<tr data-variant="${esc(row.variant)}"><th scope="row">${swatch}${esc(row.variant)}` +
        (row.strategy === row.variant ? '' : ` <span class="note">(${esc(row.strategy)})</span>`) +
        '</th>' +
        cell(row.vm) +
        cell(formatDurationMs(recovery.disable.simulatedMs), num) +
        cell(formatCount(recovery.disable.tlbFlushes), num) +
        cell(formatCount(recovery.disable.sptesZapped), num) +
        cell(formatCount(recovery.disable.hugeInstalled), num) +
        cell(formatDurationMs(recovery.disable.lockHoldMaxMs), num) +
        cell(formatCount(recovery.refaults), `${isBest(best.refaults)} refaults`) +
        cell(timeToLevelText(recovery, 0.9, formatDurationMs), num) +
        cell(timeToLevelText(recovery, 0.95, formatDurationMs), isBest(best.to95)) +
        cell(timeToLevelText(recovery, 0.99, formatDurationMs), num) +
        cell(formatVcpuSeconds(recovery.lostWorkVcpuSeconds), isBest(best.lostWork)) +
        cell(formatPercent(recovery.finalHugeFraction), num) +
        '</tr>'
      );
    })
    .join('');
  const verdict = comparisonVerdict(rows, formatDurationMs);
  return (
    (verdict === null ? '' : `<p class="verdict" id="recovery-verdict">${esc(verdict)}</p>`) +
    '<div class="table-scroll"><table id="recovery-comparison" class="data">' +
    '<caption>After dirty logging was switched off: the cost of the switch-off, then how fast throughput came back. ' +
    'To 90/95/99 % = time from dirty logging off until throughput reached that share of baseline and stayed there ' +
    `(${NEVER_BELOW} = it never fell below it, 0 ms; — = not back by the horizon). Best value per column in bold green.</caption>` +
    `<thead><tr class="group-row"><th colspan="2"></th><th colspan="5" scope="colgroup">switching dirty logging off</th><th colspan="6" scope="colgroup">recovery</th></tr>` +
    headerRow([
      'variant (strategy)',
      'vm',
      ['time', num],
      ['TLB flushes', num],
      ['SPTEs zapped', num],
      ['huge installed', num],
      ['max lock hold', num],
      // No-break space and hyphen: the headers wrap between words only.
      ['re\u2011faults', num],
      ['to\u00a090\u00a0%', num],
      ['to\u00a095\u00a0%', num],
      ['to\u00a099\u00a0%', num],
      ['lost work', num],
      ['huge at end', num],
    ]) +
    `</thead><tbody>${body}</tbody></table></div>`
  );
}

/** Past this many hosts, the list counts hosts per kernel (and racks) instead of naming each. */
const HOSTS_LISTED = 12;
/** Events listed per variant; the JSON report has them all. */
const EVENTS_LISTED = 2000;

export function hostsList(variant: VariantReport): string {
  if (variant.hosts.length > HOSTS_LISTED) {
    const byKernel = new Map<string, number>();
    for (const host of variant.hosts) {
      const kernel = host.kernel;
      const key = `${[kernel.preset, kernel.mmu, kernel.pml ? 'PML' : 'no PML', kernel.eagerSplit ? 'eager split' : 'no eager split'].filter((trait) => trait !== null).join(', ')}, recovery ${kernel.recovery}`;
      byKernel.set(key, (byKernel.get(key) ?? 0) + 1);
    }
    const racks = new Set(variant.hosts.flatMap((host) => (host.rack === undefined ? [] : [host.rack])));
    const items = [...byKernel].map(([kernel, count]) => `<li><strong>${count} hosts</strong> ${esc(kernel)}</li>`);
    return `<p class="note">${variant.hosts.length} hosts${racks.size > 0 ? ` in ${racks.size} racks` : ''}:</p><ul class="hosts">${items.join('')}</ul>`;
  }
  const items = variant.hosts.map((host) => {
    const kernel = host.kernel;
    const traits = [kernel.preset, kernel.mmu, kernel.pml ? 'PML' : 'no PML', kernel.eagerSplit ? 'eager split' : 'no eager split'];
    return `<li><strong>${esc(host.name)}</strong> ${esc(traits.filter((trait) => trait !== null).join(', '))}, recovery <code>${esc(kernel.recovery)}</code></li>`;
  });
  return items.length === 0 ? '' : `<ul class="hosts">${items.join('')}</ul>`;
}

export function migrationsTable(variant: VariantReport): string {
  if (variant.migrations.length === 0) return '<p class="note">No migrations.</p>';
  const num = 'num';
  const rows = variant.migrations
    .map((migration) => {
      const totals = migrationTotals(migration);
      return (
        `<tr><th scope="row">${esc(migration.id)}</th>` +
        cell(migration.vm) +
        cell(`${migration.source} → ${migration.destination}`) +
        cell(migration.algorithm) +
        `<td>${outcomeBadge(migration.outcome)}</td>` +
        cell(String(totals.attemptCount), num) +
        cell(formatDurationMs(totals.totalTimeMs), num) +
        cell(formatDurationMs(totals.downtimeMs), num) +
        cell(totals.dirtySyncCount === null ? '—' : String(totals.dirtySyncCount), num) +
        cell(formatBytes(totals.transferredBytes), num) +
        '</tr>'
      );
    })
    .join('');
  const details = variant.migrations
    .flatMap((migration) => migration.attempts.map((attempt) => attemptDetails(migration.id, attempt)))
    .join('');
  return (
    '<div class="table-scroll"><table class="data migrations">' +
    `<thead>${headerRow(['id', 'vm', 'route', 'algorithm', 'outcome', ['attempts', num], ['total-time', num], ['downtime', num], ['rounds', num], ['transferred', num]])}</thead>` +
    `<tbody>${rows}</tbody></table></div>${details}`
  );
}

function attemptDetails(migrationId: string, attempt: MigrationAttempt): string {
  const end = attempt.endMs === null ? 'still running at the horizon' : `${formatDurationMs(attempt.endMs)}`;
  const reason = attempt.outcome === 'completed' || attempt.outcome === 'unfinished' ? null : attemptReason(attempt);
  const phases = attempt.phases
    .map((phase) => `<li><span class="phase-chip phase-${phase.phase}"></span>${esc(phaseLabel(phase))}: ${esc(formatDurationMs(phase.startMs))} – ${esc(formatDurationMs(phase.endMs))}</li>`)
    .join('');
  return (
    `<details class="attempt"><summary>${esc(migrationId)} attempt ${attempt.attempt}: ${outcomeBadge(attempt.outcome)} ` +
    `from ${esc(formatDurationMs(attempt.startMs))} to ${esc(end)}` +
    (reason === null ? '' : `: <span class="attempt-reason">${esc(reason)}</span>`) +
    '</summary>' +
    `<div class="attempt-body"><div><h4>Phases</h4><ul class="phases">${phases}</ul></div>` +
    `<div><h4><code>query-migrate</code></h4>${infoTable(attempt.info)}</div></div></details>`
  );
}

/** The `query-migrate` reply flattened to `key: value` rows, with units. */
function infoTable(info: QueryMigrateInfo): string {
  const rows: [string, string][] = [];
  const visit = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) visit(prefix === '' ? key : `${prefix}.${key}`, item);
      return;
    }
    rows.push([prefix, describeInfoValue(prefix, value)]);
  };
  visit('', info);
  return `<table class="info"><tbody>${rows.map(([key, value]) => `<tr><th scope="row"><code>${esc(key)}</code></th>${cell(value)}</tr>`).join('')}</tbody></table>`;
}

function describeInfoValue(key: string, value: unknown): string {
  if (typeof value !== 'number') return String(value);
  if (/time$|downtime$/.test(key)) return `${formatCount(value)} ms`;
  if (key === 'ram.mbps') return `${formatNumber(value, 1)} Mbit/s`;
  if (key === 'ram.dirty-pages-rate') return `${formatCount(value)} pages/s`;
  if (key === 'cpu-throttle-percentage') return `${value} %`;
  if (/bytes$|transferred$|remaining$|total$/.test(key)) return `${formatCount(value)} B (${formatBytes(value)})`;
  return formatCount(value);
}

export function checksTable(report: Report): string {
  const rows = report.variants.flatMap((variant) =>
    variant.checks.map(
      (check) =>
        `<tr class="${check.passed ? 'passed' : 'failed'}">` +
        cell(variant.name) +
        `<th scope="row">${esc(check.name)}</th>` +
        cell(check.kind) +
        `<td><span class="badge ${check.passed ? 'check-passed' : 'check-failed'}">${check.passed ? '✓ passed' : '✗ failed'}</span></td>` +
        cell(check.detail) +
        cell(check.firstViolationMs === undefined ? '' : formatDurationMs(check.firstViolationMs), 'num') +
        '</tr>',
    ),
  );
  if (rows.length === 0) return '<p class="note">No checks.</p>';
  return (
    '<div class="table-scroll"><table class="data checks">' +
    `<thead>${headerRow(['variant', 'check', 'kind', 'result', 'detail', ['first violated', 'num']])}</thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

export function eventsTable(variant: VariantReport): string {
  if (variant.events.length === 0) return '<p class="note">No events.</p>';
  const more = variant.events.length - EVENTS_LISTED;
  const rows = variant.events
    .slice(0, EVENTS_LISTED)
    .map((event) => `<tr class="event-${esc(event.kind)}">${cell(formatDurationMs(event.tMs), 'num')}${cell(event.kind)}${cell(event.subject)}${cell(event.detail)}</tr>`)
    .join('');
  return (
    '<div class="table-scroll"><table class="data events">' +
    `<thead>${headerRow([['time', 'num'], 'kind', 'subject', 'detail'])}</thead><tbody>${rows}</tbody></table></div>` +
    (more > 0 ? `<p class="note">The first ${EVENTS_LISTED} events are listed; ${more} more are in the JSON report.</p>` : '')
  );
}
