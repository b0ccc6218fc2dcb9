// Inline SVG charts of each VM's throughput and huge-page coverage over simulated time, one series per
// variant, drawn with the HTML report's classes (report.css) so both pages look alike.
const SVG_NS = 'http://www.w3.org/2000/svg';
const GEOMETRY = { width: 570, height: 270, left: 64, right: 14, top: 34, bottom: 46 };
/** Average advance of one character of a fault label (11 px sans-serif), for fitting labels into the plot. */
const CHAR_WIDTH = 6.5;

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** 1, 2 or 5 x 10^k, so that range / step is close to targetCount (as libs/report's niceStep). */
function niceStep(range, targetCount) {
  if (range <= 0) return 1;
  const rough = range / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalized = rough / magnitude;
  return (normalized < 1.5 ? 1 : normalized < 3.5 ? 2 : normalized < 7.5 ? 5 : 10) * magnitude;
}

const round1 = (value) => Math.round(value * 10) / 10;

/**
 * One chart: `series` = [{ name, color, dash, points: [{ tMs, value }] }], `markers` = [{ tMs, label }]
 * (faults), `nowMs` draws the simulated present. Returns the <svg>.
 */
export function drawChart({ id, title, yAxisLabel, yMax, horizonMs, nowMs, series, markers }) {
  const { width, height, left, top } = GEOMETRY;
  const plotWidth = width - left - GEOMETRY.right;
  const plotHeight = height - top - GEOMETRY.bottom;
  const x = (tMs) => left + (Math.min(Math.max(tMs, 0), horizonMs) / horizonMs) * plotWidth;
  const y = (value) => top + plotHeight - (Math.min(Math.max(value, 0), yMax) / yMax) * plotHeight;
  const svg = el('svg', { class: 'chart chart-half', id, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  svg.append(el('title', {}, title), el('rect', { class: 'plot-area', x: left, y: top, width: plotWidth, height: plotHeight }));
  if (nowMs < horizonMs) {
    svg.append(el('rect', { class: 'future', x: round1(x(nowMs)), y: top, width: round1(left + plotWidth - x(nowMs)), height: plotHeight }));
  }
  const yStep = niceStep(yMax, 5);
  for (let value = 0; value <= yMax + 1e-9; value += yStep) {
    svg.append(el('line', { class: 'grid', x1: left, x2: left + plotWidth, y1: round1(y(value)), y2: round1(y(value)) }));
    svg.append(el('text', { class: 'tick y-tick', x: left - 8, y: round1(y(value)), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, `${Math.round(value * 100)} %`));
  }
  const xStep = niceStep(horizonMs, 6);
  for (let tMs = 0; tMs <= horizonMs + 1e-6; tMs += xStep) {
    svg.append(el('line', { class: 'tick-mark', x1: round1(x(tMs)), x2: round1(x(tMs)), y1: top + plotHeight, y2: top + plotHeight + 5 }));
    svg.append(el('text', { class: 'tick x-tick', x: round1(x(tMs)), y: top + plotHeight + 18, 'text-anchor': 'middle' }, String(Math.round(tMs / 1000))));
  }
  svg.append(
    el('line', { class: 'axis', x1: left, x2: left + plotWidth, y1: top + plotHeight, y2: top + plotHeight }),
    el('line', { class: 'axis', x1: left, x2: left, y1: top, y2: top + plotHeight }),
    el('text', { class: 'axis-label', x: left + plotWidth / 2, y: height - 6, 'text-anchor': 'middle' }, 'simulated time (s)'),
    el('text', { class: 'axis-label', transform: `translate(14 ${top + plotHeight / 2}) rotate(-90)`, 'text-anchor': 'middle' }, yAxisLabel),
  );
  // Dashed series last, so that a solid one with the same curve cannot hide them.
  const ordered = [...series].sort((a, b) => Number(a.dash !== '') - Number(b.dash !== ''));
  for (const line of ordered) {
    if (line.points.length === 0) continue;
    const d = line.points.map((point, index) => `${index === 0 ? 'M' : 'L'}${round1(x(point.tMs))} ${round1(y(point.value))}`).join('');
    const path = el('path', {
      class: 'series',
      d,
      stroke: line.color,
      'data-series': line.name,
      'data-point-count': line.points.length,
      'data-first-value': line.points[0].value,
      'data-min-value': Math.min(...line.points.map((point) => point.value)),
      'data-last-value': line.points.at(-1).value,
    });
    if (line.dash !== '') path.setAttribute('stroke-dasharray', line.dash);
    path.append(el('title', {}, line.name));
    svg.append(path);
  }
  markers.forEach((marker, index) => {
    const xPos = round1(x(marker.tMs));
    const group = el('g', { class: 'fault-marker-group' });
    const line = el('line', { class: 'fault-marker', x1: xPos, x2: xPos, y1: top, y2: top + plotHeight, 'data-label': marker.label });
    line.append(el('title', {}, marker.label));
    group.append(line);
    if (marker.showLabel) {
      // Written on the side with more room, cut with an ellipsis to what fits there (the <title> keeps it whole).
      const roomRight = left + plotWidth - xPos - 4;
      const roomLeft = xPos - left - 4;
      const onLeft = marker.label.length * CHAR_WIDTH > roomRight && roomLeft > roomRight;
      const fits = Math.max(4, Math.floor((onLeft ? roomLeft : roomRight) / CHAR_WIDTH));
      const text = marker.label.length <= fits ? marker.label : `${marker.label.slice(0, fits - 1)}…`;
      group.append(el('text', { class: 'fault-marker-label', x: onLeft ? xPos - 4 : xPos + 4, y: top + 14 + (index % 3) * 14, 'text-anchor': onLeft ? 'end' : 'start' }, text));
    }
    svg.append(group);
  });
  if (nowMs < horizonMs) svg.append(el('line', { class: 'now-marker', x1: round1(x(nowMs)), x2: round1(x(nowMs)), y1: top, y2: top + plotHeight }));
  return svg;
}

/** Every fault of the run as a marker; a label repeated by several variants (close in time) is written once. */
function faultMarkers(variants, horizonMs) {
  const markers = [];
  for (const variant of variants) {
    for (const event of variant.events) {
      if (event.kind !== 'fault') continue;
      const label = `${event.subject}: ${event.detail}`;
      const twin = markers.some((marker) => marker.label === label && Math.abs(marker.tMs - event.tMs) < horizonMs / 50);
      markers.push({ tMs: event.tMs, label, showLabel: !twin });
    }
  }
  return markers;
}

/** Redraws the charts of every VM of the run into `container`. `samples`: Map variant -> Map vm -> points. */
export function renderCharts(container, snapshot, samples, nowMs) {
  const horizonMs = snapshot.run.horizonMs;
  const vmNames = [];
  for (const variant of snapshot.variants) for (const vm of variant.vms) if (!vmNames.includes(vm.name)) vmNames.push(vm.name);
  const markers = faultMarkers(snapshot.variants, horizonMs);
  const groups = vmNames.map((vm, index) => {
    const seriesOf = (value) =>
      snapshot.variants
        .filter((variant) => variant.vms.some((candidate) => candidate.name === vm))
        .map((variant) => ({ name: variant.name, color: variant.color, dash: variant.dash, points: (samples.get(variant.name)?.get(vm) ?? []).map((point) => ({ tMs: point.tMs, value: value(point) })) }));
    const throughput = seriesOf((point) => point.relativeThroughput);
    const yMaxThroughput = Math.ceil(Math.max(1, ...throughput.flatMap((line) => line.points.map((point) => point.value))) * 10) / 10;
    const figure = document.createElement('figure');
    figure.className = 'chart-group';
    figure.dataset.vm = vm;
    const caption = document.createElement('figcaption');
    const strong = document.createElement('strong');
    strong.textContent = vm;
    const legend = document.createElement('ul');
    legend.className = 'legend';
    for (const variant of snapshot.variants) {
      const item = document.createElement('li');
      const swatch = el('svg', { viewBox: '0 0 30 10', 'aria-hidden': 'true' });
      const line = el('line', { x1: 1, x2: 29, y1: 5, y2: 5, stroke: variant.color, 'stroke-width': 3 });
      if (variant.dash !== '') line.setAttribute('stroke-dasharray', variant.dash);
      swatch.append(line);
      item.append(swatch, document.createTextNode(variant.name));
      legend.append(item);
    }
    caption.append(strong, legend);
    const pair = document.createElement('div');
    pair.className = 'close-ups';
    pair.append(
      drawChart({ id: `live-throughput-${index}`, title: `${vm}: throughput relative to the same VM never migrated`, yAxisLabel: 'throughput (% of baseline)', yMax: yMaxThroughput, horizonMs, nowMs, series: throughput, markers }),
      drawChart({ id: `live-coverage-${index}`, title: `${vm}: memory mapped by huge (2 MiB / 1 GiB) SPTEs`, yAxisLabel: 'huge-page coverage (% of memory)', yMax: 1, horizonMs, nowMs, series: seriesOf((point) => point.hugeFraction), markers }),
    );
    figure.append(caption, pair);
    return figure;
  });
  container.replaceChildren(...groups);
}
