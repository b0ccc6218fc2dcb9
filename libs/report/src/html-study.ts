import { formatBytes, formatDurationMs, formatPercent, formatVcpuSeconds } from './format';
import type { ChartSeries, ChartSpec } from './html-chart';
import { renderChart } from './html-chart';
import { escapeHtml as esc } from './html-escape';
import { seriesStyle } from './html-palette';
import type { Report, VariantReport, VariantSummary } from './report-model';
import { shownMigrations, STUDY_MIGRATIONS } from './render-study-text';
import { migrationsTable } from './html-tables';
import type { Percentiles } from './study-model';
import { migrationRows } from './study-rows';

/**
 * The study section of the HTML report, for variants with more than a few
 * migrations or a network: the summary (makespan, outcomes, percentiles of
 * total time, downtime, bytes, lost work and queue wait), each tier's load
 * over time (the mean over its links, and its most loaded link), and how
 * migration times are distributed (the share of migrations done within a
 * time). Returns the charts too, for the hover script.
 */
export function studySection(report: Report): { html: string; charts: ChartSpec[] } {
  const charts: ChartSpec[] = [];
  const parts: string[] = [];
  report.variants.forEach((variant, index) => {
    const summary = report.summary.variants[index];
    if (summary?.study === undefined || (variant.migrations.length <= STUDY_MIGRATIONS && variant.network === undefined)) return;
    const own = [...linkCharts(variant, index), distributionChart(variant, index)].filter((chart): chart is ChartSpec => chart !== undefined);
    charts.push(...own);
    parts.push(
      `<div class="study" data-variant="${esc(variant.name)}"><h3>Variant ${esc(variant.name)}</h3>${summaryParagraph(summary)}${percentileTable(summary)}` +
        own.map((chart) => `<div class="chart-title">${esc(chart.title)}</div>${seriesLegend(chart)}${renderChart(chart)}`).join('') +
        '</div>',
    );
  });
  if (parts.length === 0) return { html: '', charts };
  const note =
    '<p class="note">Percentiles are nearest-rank over the migrations they apply to (total time: those that ended; downtime: completed ones; ' +
    'the others: those that started). Every migration is a row of <code>migsim simulate … --format csv</code>.</p>';
  return { html: `<section id="study"><h2>Study summary</h2>${note}${parts.join('')}</section>`, charts };
}

/** Which line is which tier (colour and dash, as the chart draws them). */
function seriesLegend(chart: ChartSpec): string {
  const items = chart.series.map((series) => {
    const style = seriesStyle(series.styleIndex);
    const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
    return `<li><svg viewBox="0 0 30 10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" stroke="${style.color}" stroke-width="3"${dash}/></svg>${esc(series.name)}</li>`;
  });
  return `<ul class="legend">${items.join('')}</ul>`;
}

function summaryParagraph(summary: VariantSummary): string {
  const study = summary.study!;
  const outcomes = Object.entries(summary.outcomes)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  const makespan = study.makespanMs === null ? `not over at the horizon (last end so far at ${formatDurationMs(study.lastEndMs)})` : formatDurationMs(study.makespanMs);
  return `<p class="study-facts"><strong>${study.migrations} migrations</strong> (${esc(outcomes)}), ${study.attempts} attempts, ${study.retried} retried; makespan <strong>${esc(makespan)}</strong>.</p>`;
}

function percentileTable(summary: VariantSummary): string {
  const study = summary.study!;
  const vcpu = (value: number | null) => (value === null ? '—' : formatVcpuSeconds(value));
  const rows: [string, Percentiles, (value: number | null) => string][] = [
    ['total time', study.totalTimeMs, formatDurationMs],
    ['downtime', study.downtimeMs, formatDurationMs],
    ['transferred', study.transferredBytes, formatBytes],
    ['lost work', study.lostWorkVcpuSeconds, vcpu],
    ['queue wait', study.queueWaitMs, formatDurationMs],
  ];
  const body = rows
    .map(([label, p, format]) => `<tr><th scope="row">${label}</th>${[String(p.count), format(p.p50), format(p.p90), format(p.p95), format(p.p99), format(p.max), format(p.mean)].map((text) => `<td class="num">${esc(text)}</td>`).join('')}</tr>`)
    .join('');
  const links = study.links.map((link) => `<li>${esc(link.tier)}: at most ${formatPercent(link.peakMeanFraction)} of the tier on average over an interval, ${formatPercent(link.maxFraction)} on its busiest link</li>`).join('');
  return (
    '<div class="table-scroll"><table class="data percentiles"><thead><tr><th>per migration</th>' +
    ['n', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'].map((header) => `<th class="num">${header}</th>`).join('') +
    `</tr></thead><tbody>${body}</tbody></table></div>${links === '' ? '' : `<ul class="links">${links}</ul>`}`
  );
}

const TIER_STYLE: Record<string, number> = { nic: 0, uplink: 1, core: 2 };

function linkCharts(variant: VariantReport, index: number): ChartSpec[] {
  const tiers = variant.network?.tiers ?? [];
  if (tiers.length === 0) return [];
  const last = Math.max(...tiers.map((tier) => tier.points.at(-1)?.tMs ?? 0));
  const chart = (kind: 'mean' | 'max', title: string, yAxisLabel: string): ChartSpec => ({
    id: `chart-study-${index}-links-${kind}`,
    title,
    xAxisLabel: 'simulated time',
    timeFrom: 'run-start',
    yAxisLabel,
    yMax: 1,
    xMinMs: 0,
    xMaxMs: Math.max(1, last),
    size: 'wide',
    series: tiers.map(
      (tier): ChartSeries => ({
        name: tier.tier,
        styleIndex: TIER_STYLE[tier.tier] ?? 3,
        shape: 'interval-mean',
        points: tier.points.map((point) => ({ tMs: point.tMs, value: kind === 'mean' ? point.meanFraction : point.maxFraction })),
      }),
    ),
    bands: [],
    markers: [],
    markerLabels: 'in-plot',
    levels: [],
  });
  return [
    chart('mean', `${variant.name}: load of each tier of links (what its flows carry over its capacity)`, 'load (% of the tier)'),
    chart('max', `${variant.name}: the most loaded link of each tier`, 'busiest link (% of its capacity)'),
  ];
}

/** The share of the migrations that ended within each total time (an empirical CDF). */
function distributionChart(variant: VariantReport, index: number): ChartSpec | undefined {
  const totals = migrationRows(variant)
    .flatMap((row) => (row.totalTimeS === null ? [] : [row.totalTimeS * 1000]))
    .sort((a, b) => a - b);
  if (totals.length === 0) return undefined;
  const points = totals.map((tMs, i) => ({ tMs, value: (i + 1) / totals.length }));
  return {
    id: `chart-study-${index}-total-time`,
    title: `${variant.name}: share of the migrations done within a total time`,
    xAxisLabel: 'total time of a migration',
    timeFrom: 'run-start',
    yAxisLabel: 'migrations (% of those that ended)',
    yMax: 1,
    xMinMs: 0,
    xMaxMs: Math.max(1, totals[totals.length - 1]!),
    size: 'wide',
    series: [{ name: 'done within', styleIndex: 3, shape: 'instant', points: [{ tMs: 0, value: 0 }, ...points] }],
    bands: [],
    markers: [],
    markerLabels: 'in-plot',
    levels: [
      { value: 0.5, label: 'p50' },
      { value: 0.9, label: 'p90' },
    ],
  };
}

/** A variant's migrations table; in a study, its most interesting migrations only, and how many more the CSV has. */
export function studyMigrationsTable(variant: VariantReport): string {
  const shown = shownMigrations(variant);
  const note = shown.hidden === 0 ? '' : `<p class="note">${shown.hidden} more migrations are not listed here (the failed, the slowest and the most degraded are): every one is a row of <code>--format csv</code>.</p>`;
  return `${migrationsTable(shown.variant)}${note}`;
}
