import { describe, expect, it } from 'vitest';
import { niceStep, renderChart, type ChartSpec } from './html-chart';

function spec(overrides: Partial<ChartSpec> = {}): ChartSpec {
  return {
    id: 'c',
    title: 'throughput',
    yAxisLabel: 'throughput (% of baseline)',
    yMax: 1,
    xMinMs: 0,
    xMaxMs: 90_000,
    size: 'wide',
    series: [{ name: 'a', styleIndex: 0, points: [0, 30_000, 60_000, 90_000].map((tMs) => ({ tMs, value: tMs / 90_000 })) }],
    bands: [],
    markers: [],
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
    const svg = renderChart(spec({ xMinMs: 40_000, xMaxMs: 50_000, size: 'half', series: [{ name: 'a', styleIndex: 0, points }] }));
    expect(svg).toContain('data-point-count="13"'); // 40..50 s, plus 39 s and 51 s
    expect(svg).toContain('clip-path="url(#c-clip)"');
    const xTicks = [...svg.matchAll(/class="tick x-tick"[^>]*>([^<]+)</g)].map((match) => match[1]);
    expect(xTicks).toEqual(['40', '42', '44', '46', '48', '50']);
  });

  it('puts a marker label to the left of its line near the right edge', () => {
    const svg = renderChart(spec({ markers: [{ tMs: 88_000, label: 'dst-1: destination crash', kind: 'fault' }] }));
    expect(svg).toMatch(/<text class="fault-marker-label" x="[\d.]+" y="\d+" text-anchor="end">dst-1: destination crash<\/text>/);
  });
});
