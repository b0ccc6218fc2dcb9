import { seriesStyle } from '@migsim/report';
import { quantile } from '../summary/stats';
import { esc } from './html-escape';

export interface CdfSeries {
  label: string;
  values: readonly number[];
}

/** Points drawn per series: a CDF of thousands of values looks the same with its quantiles at 0.5 % steps. */
const MAX_POINTS = 201;
const WIDTH = 560;
const HEIGHT = 250;
const MARGIN = { left: 64, right: 14, top: 12, bottom: 40 };

/**
 * An empirical CDF per series as an inline SVG: the share of values at or
 * below x, one step line per series in the report's palette (colour and
 * dash), a legend, axes with round ticks. Deterministic: the same values
 * give the same markup.
 */
export function renderCdfChart(metric: string, title: string, series: readonly CdfSeries[], formatX: (value: number) => string): string {
  const all = series.flatMap((entry) => entry.values);
  if (all.length === 0) return `<figure class="cdf-figure" data-metric="${esc(metric)}"><figcaption>${esc(title)}</figcaption><p class="note">No values.</p></figure>`;
  let lo = Math.min(0, ...all.map((value) => Math.min(value, 0)));
  let hi = all.reduce((max, value) => Math.max(max, value), -Infinity);
  if (hi <= lo) hi = lo + 1;
  const ticks = niceTicks(lo, hi, 5);
  lo = Math.min(lo, ticks[0]!);
  hi = Math.max(hi, ticks[ticks.length - 1]!);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value: number) => MARGIN.left + ((value - lo) / (hi - lo)) * plotW;
  const y = (share: number) => MARGIN.top + (1 - share) * plotH;
  const parts: string[] = [];
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#d0d7de"/>`);
  for (const tick of ticks) {
    const tx = fixed(x(tick));
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eaeef2"/>`);
    parts.push(`<text x="${tx}" y="${MARGIN.top + plotH + 16}" text-anchor="middle" class="tick">${esc(formatX(tick))}</text>`);
  }
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    const ty = fixed(y(share));
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${ty}" y2="${ty}" stroke="#eaeef2"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${fixed(y(share) + 4)}" text-anchor="end" class="tick">${share * 100} %</text>`);
  }
  series.forEach((entry, index) => {
    if (entry.values.length === 0) return;
    const style = seriesStyle(index);
    const sorted = [...entry.values].sort((a, b) => a - b);
    const points = stepPoints(sorted);
    let d = `M${fixed(x(lo))},${fixed(y(0))}`;
    for (const [value, share] of points) d += `H${fixed(x(value))}V${fixed(y(share))}`;
    d += `H${fixed(x(hi))}`;
    parts.push(
      `<path class="cdf-line" data-series="${esc(entry.label)}" data-n="${entry.values.length}" d="${d}" fill="none" stroke="${style.color}" stroke-width="2"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/>`,
    );
  });
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 4}" text-anchor="middle" class="axis-label">${esc(title)}</text>`);
  const legend = series
    .map((entry, index) => {
      const style = seriesStyle(index);
      return `<li><svg width="26" height="10" aria-hidden="true"><line x1="0" x2="26" y1="5" y2="5" stroke="${style.color}" stroke-width="2"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/></svg>${esc(entry.label)} <span class="note">(n = ${entry.values.length})</span></li>`;
    })
    .join('');
  return (
    `<figure class="cdf-figure" data-metric="${esc(metric)}"><figcaption>${esc(title)}: share of values at or below x</figcaption>` +
    `<svg class="cdf" role="img" aria-label="${esc(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">${parts.join('')}</svg>` +
    `<ul class="legend">${legend}</ul></figure>`
  );
}

/** [value, share at or below it], at most MAX_POINTS steps (quantiles when there are more values). */
function stepPoints(sorted: readonly number[]): [number, number][] {
  const n = sorted.length;
  if (n <= MAX_POINTS) return sorted.map((value, index) => [value, (index + 1) / n]);
  const points: [number, number][] = [];
  for (let i = 1; i <= MAX_POINTS; i++) {
    const share = i / MAX_POINTS;
    points.push([quantile(sorted, share), share]);
  }
  return points;
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 x 10^k steps). */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let value = first; value <= hi + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  if (ticks[ticks.length - 1]! < hi) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}
