import { describe, expect, it } from 'vitest';
import { renderHtml } from './render-html';
import { sampleFlagshipReport, sampleSingleVariantReport } from './testing';

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
const MALICIOUS = '<img src=x onerror="alert(1)">&</script><script>alert(2)</script>';

describe('renderHtml', () => {
  const html = renderHtml(sampleFlagshipReport());

  it('is one self-contained page: no URL but the SVG namespace, no external stylesheet, script, image or font', () => {
    const urls = html.match(/https?:\/\/[^\s"'<>)]*/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    expect(new Set(urls)).toEqual(new Set([SVG_NAMESPACE]));
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    // url(...) only for the charts' own clip paths
    expect(html.match(/url\((?!#chart-)/g)).toBeNull();
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  });

  it('escapes names from the scenario file wherever it embeds them', () => {
    const report = sampleFlagshipReport({ vmName: MALICIOUS, scenarioName: MALICIOUS });
    report.variants[0]!.name = MALICIOUS;
    const page = renderHtml(report);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('onerror="alert');
    expect(page).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&lt;/script&gt;');
    // The hover data is JSON inside a script element: "<" is escaped so no string can close it.
    const data = page.slice(page.indexOf('<script type="application/json"'), page.indexOf('</script>', page.indexOf('id="chart-data"')));
    expect(data).toContain('\\u003cimg src=x onerror=\\"alert(1)\\"\\u003e\\u0026\\u003c/script\\u003e');
    expect(page.match(/<script\b/g)).toHaveLength(2);
  });

  it('overlays the five variants in each chart with one path per variant and a point per sample', () => {
    const throughput = html.slice(html.indexOf('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-wide" id="chart-throughput-0"'));
    const chart = throughput.slice(0, throughput.indexOf('</svg>'));
    const paths = [...chart.matchAll(/<path class="series" d="([^"]+)"[^>]*data-series="([^"]+)" data-point-count="(\d+)"/g)];
    expect(paths.map((path) => path[2]).sort()).toEqual(['none', 'recover-in-place', 'zap-max-level', 'zap-rmap', 'zap-tdp']);
    for (const path of paths) {
      expect(path[3]).toBe('361');
      expect(path[1]!.match(/[ML]/g)).toHaveLength(361);
    }
  });

  it('shades the migration phases and marks the fault and the end of dirty logging', () => {
    const chart = html.slice(html.indexOf('id="chart-coverage-0"'), html.indexOf('</svg>', html.indexOf('id="chart-coverage-0"')));
    const phases = [...chart.matchAll(/class="phase-band phase-[a-z-]+"[^>]*data-phase="([^"]+)"/g)].map((match) => match[1]);
    expect(phases).toEqual(['setup', 'round 1', 'round 2', 'round 3']);
    expect(chart).toContain('class="fault-marker" x1=');
    expect(chart).toContain('data-label="dst-1: destination crash (when m-1 in round 3)"');
    expect(chart).toContain('class="event-marker"');
    expect(chart).toContain('>simulated time (s)</text>');
    expect(chart).toContain('>huge-page coverage (% of memory)</text>');
  });

  it('zooms on the recovery in two close-up charts', () => {
    const start = html.indexOf('id="chart-throughput-close-up-0"');
    expect(start).toBeGreaterThan(0);
    const chart = html.slice(start, html.indexOf('</svg>', start));
    const xMin = Number(/data-x-min-ms="([\d.]+)"/.exec(chart)![1]);
    const xMax = Number(/data-x-max-ms="([\d.]+)"/.exec(chart)![1]);
    expect(xMin).toBeGreaterThan(40_000);
    expect(xMax - xMin).toBeGreaterThanOrEqual(10_000);
    expect(xMax - xMin).toBeLessThan(20_000);
    expect(html).toContain('id="chart-coverage-close-up-0"');
  });

  it('puts the recovery comparison first, with the verdict and one row per variant', () => {
    expect(html.indexOf('id="recovery-comparison"')).toBeLessThan(html.indexOf('id="charts"'));
    expect(html).toContain('Fastest back to 95 % of baseline: recover-in-place (100 ms). Never back to 95 % before the horizon: none.');
    const table = html.slice(html.indexOf('id="recovery-comparison"'), html.indexOf('</table>', html.indexOf('id="recovery-comparison"')));
    expect(table.match(/<tr data-variant=/g)).toHaveLength(5);
    const inPlace = table.slice(table.indexOf('data-variant="recover-in-place"'));
    expect(inPlace).toMatch(/<td class="num best refaults">0<\/td>/);
  });

  it('shows each attempt\'s query-migrate info with units, the checks and the events', () => {
    expect(html).toContain('<code>ram.dirty-sync-count</code></th><td>3</td>');
    expect(html).toContain('<code>ram.mbps</code></th><td>1000 Mbit/s</td>');
    expect(html).toContain('<code>error-desc</code></th><td>Unable to write to socket: Connection reset by peer</td>');
    expect(html).toContain('✗ failed');
    expect(html.match(/<tr class="passed">/g)).toHaveLength(14);
    expect(html).toContain('Variant none: 11 events');
  });

  it('renders the same report to the same bytes', () => {
    expect(renderHtml(sampleFlagshipReport())).toBe(html);
  });

  it('renders a report with nothing to chart without charts', () => {
    const page = renderHtml(sampleSingleVariantReport());
    expect(page).toContain('No VM timelines in this report.');
    expect(page).not.toContain('<svg xmlns');
  });
});
