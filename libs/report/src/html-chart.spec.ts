import { describe, expect, it } from 'vitest';
import { niceStep, renderChart, timeTickLabel, type ChartSpec } from './html-chart';

function spec(overrides: Partial<ChartSpec> = {}): ChartSpec {
  return {
    id: 'c',
    title: 'throughput',
    xAxisLabel: 'simulated time',
    timeFrom: 'run-start',
    yAxisLabel: 'throughput (% of baseline)',
    yMax: 1,
    xMinMs: 0,
    xMaxMs: 90_000,
    size: 'wide',
    series: [{ name: 'a', styleIndex: 0, shape: 'instant', points: [0, 30_000, 60_000, 90_000].map((tMs) => ({ tMs, value: tMs / 90_000 })) }],
    bands: [],
    markers: [],
    markerLabels: 'in-plot',
    levels: [],
    ...overrides,
  };
}

describe('SVG line chart', () => {
  it('picks round tick steps: 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(90_000, 12)).toBe(10_000);
    expect(niceStep(13_000, 6)).toBe(2000);
    expect(niceStep(1, 5)).toBe(0.2);
  });

  it('labels the time axis in seconds and the value axis in percent', () => {
    const svg = renderChart(spec());
    const xTicks = [...svg.matchAll(/class="tick x-tick"[^>]*>([^<]+)</g)].map((match) => match[1]);
    const yTicks = [...svg.matchAll(/class="tick y-tick"[^>]*>([^<]+)</g)].map((match) => match[1]);
    expect(xTicks).toEqual(['0', '10', '20', '30', '40', '50', '60', '70', '80', '90']);
    expect(yTicks).toEqual(['0 %', '20 %', '40 %', '60 %', '80 %', '100 %']);
  });

  it('maps the first and last points to the corners of the plot area', () => {
    const d = /<path class="series" d="([^"]+)"/.exec(renderChart(spec()))![1]!;
    expect(d.startsWith('M64 224')).toBe(true); // left edge, value 0 at the bottom (270 - 46)
    expect(d.endsWith('L1144 34')).toBe(true); // right edge, value 1 at the top
  });

  it('in a close-up keeps only the points in the window plus one on each side, and clips the line', () => {
    const points = Array.from({ length: 91 }, (_, index) => ({ tMs: index * 1000, value: 0.5 }));
    const svg = renderChart(spec({ xMinMs: 40_000, xMaxMs: 50_000, size: 'half', series: [{ name: 'a', styleIndex: 0, shape: 'instant', points }] }));
    expect(svg).toContain('data-point-count="13"'); // 40..50 s, plus 39 s and 51 s
    expect(svg).toContain('clip-path="url(#c-clip)"');
    const xTicks = [...svg.matchAll(/class="tick x-tick"[^>]*>([^<]+)</g)].map((match) => match[1]);
    expect(xTicks).toEqual(['40', '42', '44', '46', '48', '50']);
  });

  it('puts a marker label to the left of its line near the right edge', () => {
    const svg = renderChart(spec({ markers: [{ tMs: 88_000, label: 'dst-1: destination crash', kind: 'fault' }] }));
    expect(svg).toMatch(/<text class="fault-marker-label" x="[\d.]+" y="\d+" text-anchor="end">dst-1: destination crash<\/text>/);
  });

  /** The path's points as [x, y] pairs (the renderer writes absolute M and L commands only). */
  function pathPoints(svg: string): [number, number][] {
    const d = /<path class="series" d="([^"]+)"/.exec(svg)![1]!;
    return [...d.matchAll(/[ML]([\d.-]+) ([\d.-]+)/g)].map((match) => [Number(match[1]), Number(match[2])]);
  }

  it('draws an interval mean as a step held from the previous sample to its own, however uneven the intervals', () => {
    // 0..1 s coarse, then 10 ms samples, then coarse again; x = 64 + t / 100 on this 0..100 s chart.
    const points = [
      { tMs: 0, value: 1 },
      { tMs: 1000, value: 0.8 },
      { tMs: 1010, value: 0.3 },
      { tMs: 1020, value: 0.9 },
      { tMs: 5000, value: 1 },
    ];
    const svg = renderChart(spec({ xMaxMs: 100_000, series: [{ name: 'a', styleIndex: 0, shape: 'interval-mean', points }] }));
    const xOf = (tMs: number) => Math.round((64 + (tMs / 100_000) * 1080) * 10) / 10;
    const yOf = (value: number) => Math.round((224 - value * 190) * 10) / 10;
    expect(pathPoints(svg)).toEqual([
      [xOf(0), yOf(1)],
      [xOf(0), yOf(0.8)],
      [xOf(1000), yOf(0.8)],
      [xOf(1000), yOf(0.3)],
      [xOf(1010), yOf(0.3)],
      [xOf(1010), yOf(0.9)],
      [xOf(1020), yOf(0.9)],
      [xOf(1020), yOf(1)],
      [xOf(5000), yOf(1)],
    ]);
    expect(svg).toContain('data-point-count="5"');
  });

  it('joins instant values (huge-page coverage) with straight lines between uneven samples', () => {
    const points = [0, 1000, 1010, 5000].map((tMs, index) => ({ tMs, value: index / 3 }));
    const svg = renderChart(spec({ xMaxMs: 100_000, series: [{ name: 'a', styleIndex: 0, shape: 'instant', points }] }));
    expect(pathPoints(svg).map(([x]) => x)).toEqual([64, 74.8, 74.9, 118]);
  });

  it('keeps, in a window, the sample whose interval covers each edge, whatever the sample spacing', () => {
    const times = [0, 5000, 9990, 10_000, 10_010, 10_020, 10_400, 30_000];
    const points = times.map((tMs) => ({ tMs, value: 0.5 }));
    const svg = renderChart(spec({ xMinMs: 10_005, xMaxMs: 10_300, size: 'half', series: [{ name: 'a', styleIndex: 0, shape: 'interval-mean', points }] }));
    // 10_000 begins the interval covering the left edge, 10_400 ends the one covering the right edge.
    expect(svg).toContain('data-point-count="4"');
  });

  it('labels a short time axis in milliseconds, with true minus signs before time 0', () => {
    const svg = renderChart(spec({ xMinMs: -100, xMaxMs: 400, size: 'half', xAxisLabel: 'time since dirty logging was switched off', timeFrom: 'logging-off' }));
    const xTicks = [...svg.matchAll(/class="tick x-tick"[^>]*>([^<]+)</g)].map((match) => match[1]);
    expect(xTicks).toEqual(['−100', '0', '100', '200', '300', '400']);
    expect(svg).toContain('>time since dirty logging was switched off (ms)</text>');
    expect(timeTickLabel(-0.5, 0.5, 'ms')).toBe('−0.5');
    expect(timeTickLabel(-1e-12, 20, 'ms')).toBe('0');
    expect(timeTickLabel(2500, 500, 's')).toBe('2.5');
  });

  it('marks reference levels with a dashed line and a label', () => {
    const svg = renderChart(spec({ levels: [{ value: 0.9, label: '90 %' }, { value: 0.95, label: '95 %' }] }));
    const lines = [...svg.matchAll(/<line class="level-line"[^>]* y1="([\d.]+)"[^>]*data-level="([\d.]+)"/g)].map((match) => [Number(match[1]), match[2]]);
    expect(lines).toEqual([[53, '0.9'], [43.5, '0.95']]);
    expect([...svg.matchAll(/class="level-label"[^>]*>([^<]+)</g)].map((match) => match[1])).toEqual(['90 %', '95 %']);
  });

  it('puts marker labels above the plot in two rows when asked, clear of the curves', () => {
    const markers = [
      { tMs: 40_000, label: 'dst-1: destination crash', kind: 'fault' as const },
      { tMs: 40_003, label: 'dirty logging off', kind: 'logging-off' as const },
    ];
    const labelYs = (svg: string) => [...svg.matchAll(/<text class="(?:fault|event)-marker-label" x="[\d.]+" y="(\d+)"/g)].map((match) => Number(match[1]));
    expect(labelYs(renderChart(spec({ markers })))).toEqual([48, 62]); // inside the plot, which starts at y = 34
    expect(labelYs(renderChart(spec({ markers, markerLabels: 'above' })))).toEqual([14, 28]);
  });

  it('cuts a marker label that fits on neither side of its line, keeping the whole label in its tooltip', () => {
    const label = 'dst-1: destination crash when m1 enters round 3 of its pre-copy, long after it started';
    const svg = renderChart(spec({ size: 'half', xMinMs: -40, xMaxMs: 200, markers: [{ tMs: -8, label, kind: 'fault' }] }));
    const shown = /<text class="fault-marker-label" x="([\d.]+)" y="\d+">([^<]+)<\/text>/.exec(svg)!;
    // x = 64 + 32 / 240 x 492 = 129.6; the plot ends at 556: room for 64 characters, the last one the ellipsis.
    expect(shown[1]).toBe('133.6');
    expect(shown[2]).toBe(`${label.slice(0, 63)}…`);
    expect(svg).toContain(`<title>${label}</title>`);
  });
});
