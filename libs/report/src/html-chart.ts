import { escapeHtml } from './html-escape';
import { seriesStyle } from './html-palette';

/**
 * A time-series line chart drawn as inline SVG by this file alone. Points
 * may come at uneven intervals; nothing here assumes a fixed step.
 */
export interface ChartSeries {
  name: string;
  /** Index into the palette: the same series keeps its colour across charts. */
  styleIndex: number;
  /**
   * `interval-mean`: each value is the mean over the interval that ends at
   * its `tMs` and starts at the previous point's, drawn as a step held over
   * that interval (throughput). `instant`: the value at `tMs`, points joined
   * by straight lines (huge-page coverage).
   */
  shape: SeriesShape;
  points: readonly { tMs: number; value: number }[];
}

export type SeriesShape = 'interval-mean' | 'instant';

export interface ChartBand {
  startMs: number;
  endMs: number;
  /** Shown inside the band when it is wide enough, and as its tooltip. */
  label: string;
  shortLabel: string;
  kind: 'setup' | 'round' | 'stop-and-copy' | 'postcopy';
}

export interface ChartMarker {
  tMs: number;
  label: string;
  kind: 'fault' | 'logging-off';
}

/** A horizontal reference line, e.g. 90 % of baseline. */
export interface ChartLevel {
  value: number;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** The time axis' title without its unit; the unit (s, or ms for spans under 2 s) is added. */
  xAxisLabel: string;
  /** What time 0 is: the start of the run, or (close-ups) the moment dirty logging was switched off. */
  timeFrom: 'run-start' | 'logging-off';
  yAxisLabel: string;
  /** Values are fractions shown as percentages (1 = 100 %). */
  yMax: number;
  /** Time window shown; lines are clipped to it. */
  xMinMs: number;
  xMaxMs: number;
  size: ChartSize;
  series: readonly ChartSeries[];
  bands: readonly ChartBand[];
  markers: readonly ChartMarker[];
  /**
   * Where marker labels go: inside the plot, staggered down from its top, or
   * (close-ups, whose top is crowded by recovered curves) in two rows above it.
   */
  markerLabels: 'in-plot' | 'above';
  levels: readonly ChartLevel[];
}

export type ChartSize = 'wide' | 'half';

export interface ChartGeometry {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Plot geometry in viewBox units; the SVG scales to its container (full width, or half of it). */
export const CHART_GEOMETRY: Readonly<Record<ChartSize, ChartGeometry>> = {
  wide: { width: 1160, height: 270, left: 64, right: 16, top: 34, bottom: 46 },
  half: { width: 570, height: 270, left: 64, right: 14, top: 34, bottom: 46 },
};

/** 1, 2 or 5 x 10^k, so that `range / step` is close to `targetCount`. */
export function niceStep(range: number, targetCount: number): number {
  if (range <= 0) return 1;
  const rough = range / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalized = rough / magnitude;
  const factor = normalized < 1.5 ? 1 : normalized < 3.5 ? 2 : normalized < 7.5 ? 5 : 10;
  return factor * magnitude;
}

function fixed(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** Width of a marker label's character in viewBox units (11.5 px system font, generous). */
const LABEL_CHAR_WIDTH = 6.5;

/** Time spans shorter than this are labelled in milliseconds. */
const MS_AXIS_BELOW_MS = 2000;

/** The unit a chart's time axis (and its hover readout) uses. */
export function timeAxisUnit(spanMs: number): 'ms' | 's' {
  return spanMs < MS_AXIS_BELOW_MS ? 'ms' : 's';
}

/** A tick label: `40`, `0.5` or `−20` (a true minus sign), in the axis unit, with the decimals the step needs. */
export function timeTickLabel(tMs: number, stepMs: number, unit: 'ms' | 's'): string {
  const scale = unit === 'ms' ? 1 : 1000;
  const step = stepMs / scale;
  const decimals = step >= 1 ? 0 : Math.ceil(-Math.log10(step) - 1e-9);
  const text = (Math.abs(tMs) / scale).toFixed(decimals);
  return tMs < 0 && Number(text) !== 0 ? `−${text}` : text;
}

export function renderChart(spec: ChartSpec): string {
  const geometry = CHART_GEOMETRY[spec.size];
  const { width, height, left, top } = geometry;
  const plotWidth = width - left - geometry.right;
  const plotHeight = height - top - geometry.bottom;
  const xMinMs = spec.xMinMs;
  const spanMs = Math.max(1, spec.xMaxMs - xMinMs);
  const xMaxMs = xMinMs + spanMs;
  const x = (tMs: number): number => left + ((tMs - xMinMs) / spanMs) * plotWidth;
  const xClamped = (tMs: number): number => x(Math.min(Math.max(tMs, xMinMs), xMaxMs));
  const y = (value: number): number => top + plotHeight - (Math.min(Math.max(value, 0), spec.yMax) / spec.yMax) * plotHeight;
  const clipId = `${spec.id}-clip`;
  const parts: string[] = [];

  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${spec.size}" id="${escapeHtml(spec.id)}" viewBox="0 0 ${width} ${height}" ` +
      `role="img" aria-label="${escapeHtml(spec.title)}" data-x-min-ms="${xMinMs}" data-x-max-ms="${xMaxMs}" data-y-max="${spec.yMax}">`,
  );
  parts.push(`<title>${escapeHtml(spec.title)}</title>`);
  parts.push(`<defs><clipPath id="${escapeHtml(clipId)}"><rect x="${left}" y="${top - 2}" width="${plotWidth}" height="${plotHeight + 4}"/></clipPath></defs>`);
  parts.push(`<rect class="plot-area" x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}"/>`);

  // Phase bands first, so that grid, lines and markers are drawn over them.
  for (const band of spec.bands) {
    if (band.endMs < xMinMs || band.startMs > xMaxMs) continue;
    const x0 = xClamped(band.startMs);
    const bandWidth = Math.max(1, xClamped(band.endMs) - x0);
    parts.push(
      `<g class="phase-band-group"><rect class="phase-band phase-${band.kind}" x="${fixed(x0)}" y="${top}" width="${fixed(bandWidth)}" ` +
        `height="${plotHeight}" data-phase="${escapeHtml(band.label)}"><title>${escapeHtml(band.label)}</title></rect>`,
    );
    const text = bandWidth > band.label.length * 6.5 + 6 ? band.label : bandWidth > band.shortLabel.length * 6.5 + 4 ? band.shortLabel : '';
    if (text !== '') {
      parts.push(`<text class="band-label" x="${fixed(x0 + bandWidth / 2)}" y="${top - 6}" text-anchor="middle">${escapeHtml(text)}</text>`);
    }
    parts.push('</g>');
  }

  // Y grid and ticks (percent).
  const yStep = niceStep(spec.yMax, 5);
  for (let value = 0; value <= spec.yMax + 1e-9; value += yStep) {
    const yPos = fixed(y(value));
    parts.push(`<line class="grid" x1="${left}" x2="${left + plotWidth}" y1="${yPos}" y2="${yPos}"/>`);
    parts.push(`<text class="tick y-tick" x="${left - 8}" y="${yPos}" text-anchor="end" dominant-baseline="middle">${Math.round(value * 100)} %</text>`);
  }
  // X ticks, in seconds or, for short spans, milliseconds.
  const xStepMs = niceStep(spanMs, spec.size === 'wide' ? 12 : 6);
  const unit = timeAxisUnit(spanMs);
  for (let index = Math.ceil(xMinMs / xStepMs - 1e-9); index * xStepMs <= xMaxMs + 1e-6; index += 1) {
    const tMs = index * xStepMs;
    const xPos = fixed(x(tMs));
    parts.push(`<line class="tick-mark" x1="${xPos}" x2="${xPos}" y1="${top + plotHeight}" y2="${top + plotHeight + 5}"/>`);
    parts.push(`<text class="tick x-tick" x="${xPos}" y="${top + plotHeight + 18}" text-anchor="middle">${timeTickLabel(tMs, xStepMs, unit)}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}"/>`);
  parts.push(`<text class="axis-label" x="${left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(spec.xAxisLabel)} (${unit})</text>`);
  parts.push(
    `<text class="axis-label" transform="translate(14 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yAxisLabel)}</text>`,
  );

  // Reference levels under the series; labels alternate below and above their line, so that close levels stay readable.
  spec.levels.forEach((level, index) => {
    if (level.value < 0 || level.value > spec.yMax) return;
    const yPos = y(level.value);
    const labelY = index % 2 === 0 ? yPos + 11 : yPos - 4;
    parts.push(
      `<g class="level-group"><line class="level-line" x1="${left}" x2="${left + plotWidth}" y1="${fixed(yPos)}" y2="${fixed(yPos)}" data-level="${level.value}"/>` +
        `<text class="level-label" x="${left + 6}" y="${fixed(labelY)}">${escapeHtml(level.label)}</text></g>`,
    );
  });

  // Dashed series are drawn last so that a solid series with the same curve cannot hide them.
  const drawOrder = [...spec.series].sort((a, b) => Number(seriesStyle(a.styleIndex).dash !== '') - Number(seriesStyle(b.styleIndex).dash !== ''));
  for (const series of drawOrder) {
    const points = visiblePoints(series.points, xMinMs, xMaxMs);
    if (points.length === 0) continue;
    const d = seriesPath(series.shape, points, x, y);
    const style = seriesStyle(series.styleIndex);
    const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
    parts.push(
      `<path class="series" d="${d}" stroke="${style.color}"${dash} clip-path="url(#${escapeHtml(clipId)})" ` +
        `data-series="${escapeHtml(series.name)}" data-point-count="${points.length}"><title>${escapeHtml(series.name)}</title></path>`,
    );
  }

  // Markers on top; labels staggered so that coinciding markers stay readable.
  const visibleMarkers = spec.markers.filter((marker) => marker.tMs >= xMinMs && marker.tMs <= xMaxMs);
  visibleMarkers.forEach((marker, index) => {
    const xPos = x(marker.tMs);
    const labelY = spec.markerLabels === 'above' ? top - 20 + (index % 2) * 14 : top + 14 + (index % 4) * 14;
    const cssClass = marker.kind === 'fault' ? 'fault-marker' : 'event-marker';
    // Labels read to the right of their line, or to the left near the right edge; one that fits on
    // neither side is cut to the room on the right (the line's tooltip keeps the whole label).
    const roomRight = Math.floor((left + plotWidth - (xPos + 4)) / LABEL_CHAR_WIDTH);
    const roomLeft = Math.floor((xPos - 8) / LABEL_CHAR_WIDTH);
    const labelOnLeft = marker.label.length > roomRight && marker.label.length <= roomLeft;
    const text = labelOnLeft || marker.label.length <= roomRight ? marker.label : `${marker.label.slice(0, Math.max(1, roomRight - 1))}…`;
    const label = labelOnLeft
      ? `<text class="${cssClass}-label" x="${fixed(xPos - 4)}" y="${labelY}" text-anchor="end">`
      : `<text class="${cssClass}-label" x="${fixed(xPos + 4)}" y="${labelY}">`;
    parts.push(
      `<g class="${cssClass}-group"><line class="${cssClass}" x1="${fixed(xPos)}" x2="${fixed(xPos)}" y1="${top}" y2="${top + plotHeight}" ` +
        `data-label="${escapeHtml(marker.label)}"><title>${escapeHtml(marker.label)}</title></line>` +
        `${label}${escapeHtml(text)}</text></g>`,
    );
  });

  parts.push(`<line class="hover-guide" x1="0" x2="0" y1="${top}" y2="${top + plotHeight}" visibility="hidden"/>`);
  parts.push('</svg>');
  return parts.join('');
}

/**
 * An `interval-mean` point holds its value from the previous point's time to
 * its own: a horizontal run at its value, joined to its neighbours by
 * vertical steps (the first point has no known start and begins the line).
 * `instant` points are joined by straight lines.
 */
function seriesPath(
  shape: SeriesShape,
  points: readonly { tMs: number; value: number }[],
  x: (tMs: number) => number,
  y: (value: number) => number,
): string {
  const at = (command: 'M' | 'L', tMs: number, value: number): string => `${command}${fixed(x(tMs))} ${fixed(y(value))}`;
  if (shape === 'instant') return points.map((point, index) => at(index === 0 ? 'M' : 'L', point.tMs, point.value)).join('');
  return points
    .map((point, index) => (index === 0 ? at('M', point.tMs, point.value) : at('L', points[index - 1]!.tMs, point.value) + at('L', point.tMs, point.value)))
    .join('');
}

/** The points inside the window, plus one on each side so lines reach the edges (the clip path trims them). */
function visiblePoints<T extends { tMs: number }>(points: readonly T[], xMinMs: number, xMaxMs: number): readonly T[] {
  let first = points.findIndex((point) => point.tMs >= xMinMs);
  if (first < 0) return [];
  first = Math.max(0, first - 1);
  let last = first;
  while (last + 1 < points.length && points[last]!.tMs <= xMaxMs) last += 1;
  return points.slice(first, last + 1);
}
