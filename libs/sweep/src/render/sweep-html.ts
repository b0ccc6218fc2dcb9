import { REPORT_CSS } from '@migsim/report';
import type { SweepPlan } from '../input/sweep-plan';
import type { RunResult } from '../run/run-result';
import type { PairedDifference, Proportion } from '../summary/stats';
import { sortResults, type GroupSummary, type PairedSummary, type SweepSummary } from '../summary/sweep-summary';
import { renderCdfChart, type CdfSeries } from './cdf-chart';
import { durationMs, percent } from './format';
import { esc } from './html-escape';

const SWEEP_CSS = `
table.sweep td.num, table.sweep th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.sweep { border-collapse: collapse; margin: 8px 0 16px; }
table.sweep th, table.sweep td { border-bottom: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
table.sweep th { background: var(--panel); text-align: left; }
.ci { color: var(--muted); font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.cdf-figure { margin: 0; }
figure.cdf-figure figcaption { font-weight: 600; margin-bottom: 4px; }
svg.cdf text.tick { font-size: 11px; fill: #57606a; }
svg.cdf text.axis-label { font-size: 12px; fill: #1b1f24; }
ul.legend { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
td code { font-size: 12px; word-break: break-all; }
.fail { color: var(--bad); font-weight: 600; }
`;

/** The CDFs each cell shows: what, from which rows, in which unit. */
const CHARTS: { metric: string; title: string; values: (runs: readonly RunResult[]) => number[]; format: (value: number) => string }[] = [
  {
    metric: 'totalTimeMs',
    title: 'Total time of completed migrations',
    values: (runs) => runs.flatMap((run) => run.migrations.filter((row) => row.outcome === 'completed').map((row) => row.totalTimeMs)),
    format: durationMs,
  },
  {
    metric: 'downtimeMs',
    title: 'Downtime of completed migrations',
    values: (runs) => runs.flatMap((run) => run.migrations.flatMap((row) => (row.outcome === 'completed' && row.downtimeMs !== null ? [row.downtimeMs] : []))),
    format: durationMs,
  },
  {
    metric: 'drainMs',
    title: 'Time until the last migration ended, per run',
    values: (runs) => runs.flatMap((run) => (run.drainMs === null ? [] : [run.drainMs])),
    format: durationMs,
  },
  {
    metric: 'lostWorkVcpuSeconds',
    title: 'Lost work after failed migrations, per run (vCPU·s)',
    values: (runs) => runs.filter((run) => run.error === null).map((run) => run.lostWorkVcpuSeconds),
    format: (value) => (Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3)))),
  },
  {
    metric: 'timeTo95Ms',
    title: 'Time back to 95 % after a failed migration',
    values: (runs) => runs.flatMap((run) => run.migrations.flatMap((row) => (row.timeTo95Ms === null ? [] : [row.timeTo95Ms]))),
    format: durationMs,
  },
];

/**
 * `index.html`: one self-contained page (no script, nothing fetched) with,
 * per cell of the grid, each variant's outcome rates with 95 % intervals,
 * the CDFs of times, downtime and lost work, the paired differences against
 * the first variant, and every failing run with the command that
 * reproduces it (and its shrunk scenario).
 */
export function renderSweepHtml(plan: SweepPlan, summary: SweepSummary, unsorted: readonly RunResult[]): string {
  const results = sortResults(plan, unsorted);
  const title = `migsim sweep: ${summary.scenario.name}`;
  const body: string[] = [];
  body.push(
    `<header class="page"><h1>${esc(title)}</h1><dl class="facts">` +
      fact('scenario', summary.scenario.file) +
      fact('seeds', `${summary.seeds.seeds} (${summary.seeds.count})`) +
      fact('variants', summary.variants.join(', ')) +
      fact('runs', String(summary.runs)) +
      (summary.parameters.length === 0 ? '' : fact('parameters', summary.parameters.map((parameter) => `${parameter.path} = ${parameter.values.join(', ')}`).join('; '))) +
      `</dl><p class="description">Every variant runs every seed, and one seed gives every variant the same drawn faults and workload (paired), so the differences between variants are the policies' own. Rates are per migration (outcomes) or per run (failing runs), with 95 % Wilson intervals.</p></header>`,
  );
  body.push('<main>');
  for (const cell of summary.cells) {
    const set = Object.entries(cell.set);
    const label = set.length === 0 ? 'All runs' : set.map(([path, value]) => `${path} = ${value}`).join(', ');
    body.push(`<section class="cell" data-cell="${cell.index}"><h2>${esc(label)}</h2>`);
    body.push('<h3>Outcomes</h3>', outcomeTable(summary.groups.filter((group) => group.cell === cell.index)));
    const runsOf = (variant: string) => results.filter((run) => run.cell === cell.index && run.variant === variant);
    body.push('<h3>Distributions</h3><div class="charts">');
    for (const chart of CHARTS) {
      const series: CdfSeries[] = summary.variants.map((variant) => ({ label: variant, values: chart.values(runsOf(variant)) }));
      body.push(renderCdfChart(chart.metric, chart.title, series, chart.format));
    }
    body.push('</div>');
    const paired = summary.paired.filter((entry) => entry.cell === cell.index);
    if (paired.length > 0) body.push(`<h3>Paired with ${esc(paired[0]!.baseline)}</h3>`, pairedTable(paired));
    body.push('</section>');
  }
  body.push(`<section id="failures"><h2>Failing runs (${summary.failures.length})</h2>${failuresTable(summary)}</section>`);
  body.push('</main>');
  body.push(`<footer>Generated by ${esc(summary.generatedBy.tool)} ${esc(summary.generatedBy.version)} from ${esc(summary.scenario.file)}; summary.json holds every number on this page, runs.csv every run.</footer>`);
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(title)}</title><style>${REPORT_CSS}${SWEEP_CSS}</style></head><body>${body.join('\n')}</body></html>\n`
  );
}

function fact(name: string, value: string): string {
  return `<div><dt>${esc(name)}</dt><dd>${esc(value)}</dd></div>`;
}

function rateCell(p: Proportion): string {
  if (p.rate === null || p.ci95 === null) return '<td class="num">—</td>';
  return `<td class="num" data-count="${p.count}" data-total="${p.total}">${percent(p.rate)} <span class="ci">[${(p.ci95[0] * 100).toFixed(1)}–${(p.ci95[1] * 100).toFixed(1)}]</span></td>`;
}

function outcomeTable(groups: readonly GroupSummary[]): string {
  const head = ['variant', 'runs', 'migrations', 'completed', 'failed', 'aborted', 'cancelled', 'unfinished', 'VM lost', 'failing runs', 'safety', 'liveness'];
  const rows = groups.map(
    (group) =>
      `<tr data-variant="${esc(group.variant)}"><th>${esc(group.variant)}</th><td class="num">${group.runs}</td><td class="num">${group.migrations}</td>` +
      rateCell(group.outcomes.completed) +
      rateCell(group.outcomes.failed) +
      rateCell(group.outcomes.aborted) +
      rateCell(group.outcomes.cancelled) +
      rateCell(group.outcomes.unfinished) +
      rateCell(group.outcomes.lost) +
      rateCell(group.failingRuns.any) +
      rateCell({ ...group.failingRuns.safety, count: group.failingRuns.safety.count + group.failingRuns.error.count }) +
      rateCell(group.failingRuns.liveness) +
      '</tr>',
  );
  return `<table class="sweep outcomes"><thead><tr>${head.map((name, index) => `<th${index > 0 ? ' class="num"' : ''}>${name}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function differenceCell(d: PairedDifference, scale: number, unit: string): string {
  if (d.meanDifference === null) return '<td class="num">—</td>';
  const show = (value: number) => `${value < 0 ? '−' : '+'}${Math.abs(value * scale).toFixed(scale === 100 ? 1 : 2)}${unit}`;
  const interval = d.ci95 === null ? '' : ` <span class="ci">[${show(d.ci95[0])}, ${show(d.ci95[1])}]</span>`;
  return `<td class="num">${show(d.meanDifference)}${interval}<br><span class="ci">higher ${d.higher} · lower ${d.lower} · equal ${d.equal}</span></td>`;
}

function pairedTable(paired: readonly PairedSummary[]): string {
  const rows = paired.map(
    (entry) =>
      `<tr data-variant="${esc(entry.variant)}"><th>${esc(entry.variant)} − ${esc(entry.baseline)}</th>` +
      differenceCell(entry.metrics.completedFraction, 100, ' pp') +
      differenceCell(entry.metrics.drainMs, 1 / 1000, ' s') +
      differenceCell(entry.metrics.lostWorkVcpuSeconds, 1, ' vCPU·s') +
      differenceCell(entry.metrics.failing, 100, ' pp') +
      '</tr>',
  );
  return (
    '<table class="sweep paired"><thead><tr><th>seed by seed</th><th class="num">completed migrations</th><th class="num">drain time</th><th class="num">lost work</th><th class="num">failing runs</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table><p class="note">Mean of the per-seed differences with a 95 % interval (normal approximation), and the seeds where the variant's value was higher, lower or equal.</p>`
  );
}

function failuresTable(summary: SweepSummary): string {
  if (summary.failures.length === 0) return '<p>No run failed a check.</p>';
  const multiCell = summary.cells.length > 1;
  const rows = summary.failures.map(
    (failure) =>
      `<tr data-seed="${failure.seed}" data-variant="${esc(failure.variant)}"><td class="num">${failure.seed}</td><td>${esc(failure.variant)}</td>${multiCell ? `<td class="num">${failure.cell}</td>` : ''}` +
      `<td>${failure.checks.map((check) => `<span class="fail" title="${esc(check.detail)}">${esc(check.name)}</span> <span class="ci">(${check.category})</span>`).join('<br>')}</td>` +
      `<td><code>${esc(failure.command)}</code>${failure.shrunk === null ? '' : `<br>shrunk: <a href="${esc(failure.shrunk)}">${esc(failure.shrunk)}</a>`}</td></tr>`,
  );
  return `<table class="sweep failures"><thead><tr><th class="num">seed</th><th>variant</th>${multiCell ? '<th class="num">cell</th>' : ''}<th>failed checks</th><th>reproduce</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
