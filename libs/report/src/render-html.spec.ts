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

  it('overlays the five variants in each chart with one path per variant and every sample, throughput as steps', () => {
    const samples = sampleFlagshipReport().variants[0]!.vms[0]!.timeline.length;
    const pathsOf = (id: string) => {
      const start = html.indexOf(`id="${id}"`);
      const chart = html.slice(start, html.indexOf('</svg>', start));
      return [...chart.matchAll(/<path class="series" d="([^"]+)"[^>]*data-series="([^"]+)" data-point-count="(\d+)"/g)];
    };
    const throughput = pathsOf('chart-throughput-0');
    expect(throughput.map((path) => path[2]).sort()).toEqual(['none', 'recover-in-place', 'zap-max-level', 'zap-rmap', 'zap-tdp']);
    for (const path of throughput) {
      expect(path[3]).toBe(String(samples));
      // Each interval mean after the first is a vertical step and a horizontal run.
      expect(path[1]!.match(/[ML]/g)).toHaveLength(2 * samples - 1);
    }
    for (const path of pathsOf('chart-coverage-0')) expect(path[1]!.match(/[ML]/g)).toHaveLength(samples);
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

  it('zooms on the recovery in two close-ups counted from logging off, with the 90 and 95 % levels and what time 0 is', () => {
    const start = html.indexOf('id="chart-throughput-close-up-0-0"');
    expect(start).toBeGreaterThan(0);
    const chart = html.slice(start, html.indexOf('</svg>', start));
    expect(/data-x-min-ms="([-\d.]+)"/.exec(chart)![1]).toBe('-40');
    expect(/data-x-max-ms="([-\d.]+)"/.exec(chart)![1]).toBe('200');
    expect(chart).toContain('>time since dirty logging was switched off (ms)</text>');
    expect([...chart.matchAll(/data-level="([\d.]+)"/g)].map((match) => match[1])).toEqual(['0.9', '0.95']);
    expect(html).toContain('id="chart-coverage-close-up-0-0"');
    expect(html).toContain('Close-up on the recovery after migration-failed m-1: time 0 is when each variant switched dirty logging off (at 47.0 s of the run in every variant)');
    // The close-up repeats the variants' legend: the one at the top of the group is a screen away.
    const block = html.slice(html.indexOf('<div class="close-up"'), start);
    expect([...block.matchAll(/<li><svg[^]*?<\/svg>([^<]+)<\/li>/g)].map((match) => match[1])).toEqual(['none', 'zap-rmap', 'zap-max-level', 'zap-tdp', 'recover-in-place']);
    const data = JSON.parse(html.slice(html.indexOf('>', html.indexOf('id="chart-data"')) + 1, html.indexOf('</script>', html.indexOf('id="chart-data"')))) as {
      charts: { id: string; timeFrom: string; unit: string; series: { shape: string }[] }[];
    };
    const closeUp = data.charts.find((item) => item.id === 'chart-throughput-close-up-0-0')!;
    expect([closeUp.timeFrom, closeUp.unit, closeUp.series[0]!.shape]).toEqual(['logging-off', 'ms', 'interval-mean']);
    const whole = data.charts.find((item) => item.id === 'chart-coverage-0')!;
    expect([whole.timeFrom, whole.unit, whole.series[0]!.shape]).toEqual(['run-start', 's', 'instant']);
  });

  it('puts the recovery comparison first, with the verdict and one row per variant', () => {
    expect(html.indexOf('id="recovery-comparison"')).toBeLessThan(html.indexOf('id="charts"'));
    expect(html).toContain('Fastest back to 95 % of baseline: recover-in-place (24.0 ms). Never back to 95 % before the horizon: none.');
    const table = html.slice(html.indexOf('id="recovery-comparison"'), html.indexOf('</table>', html.indexOf('id="recovery-comparison"')));
    expect(table.match(/<tr data-variant=/g)).toHaveLength(5);
    const inPlace = table.slice(table.indexOf('data-variant="recover-in-place"'));
    expect(inPlace).toMatch(/<td class="num best refaults">0<\/td>/);
    // recover-in-place never fell below 90 %; none (at 92 %) never fell below it either, but never got back to 95 %.
    const cellsOf = (variant: string) => {
      const row = table.slice(table.indexOf(`data-variant="${variant}"`));
      return [...row.slice(0, row.indexOf('</tr>')).matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((match) => match[1]);
    };
    expect(cellsOf('recover-in-place').slice(7, 10)).toEqual(['never below', '24.0 ms', '56.0 ms']);
    expect(cellsOf('none').slice(7, 10)).toEqual(['never below', '—', '—']);
    expect(table).toContain('stayed there (never below = it never fell below it, 0 ms; — = not back by the horizon)');
  });

  it('says why each attempt that did not complete ended, in its summary', () => {
    const report = sampleFlagshipReport();
    report.variants[2]!.migrations[0]!.attempts[0]!.reason = 'destination dst-1 crashed in round 3';
    const page = renderHtml(report);
    expect(page).toContain('m-1 attempt 1: <span class="badge outcome-failed">failed</span> from 5.00 s to 47.0 s: <span class="attempt-reason">Unable to write to socket: Connection reset by peer</span></summary>');
    expect(page).toContain('<span class="attempt-reason">destination dst-1 crashed in round 3</span></summary>');
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

  it('charts a timeline of 1,000,000 points (the most sampling.maxPoints allows)', () => {
    const points = 1_000_000;
    const timeline = Array.from({ length: points }, (_, i) => ({
      tMs: i * 10,
      relativeThroughput: i === points - 1 ? 1.25 : 0.5 + 0.5 * ((i % 100) / 100),
      hugeFraction: 1,
      fraction4k: 0,
      dirtyLogging: false,
    }));
    const report = sampleSingleVariantReport({ vms: [{ name: 'vm-1', host: 'h-1', memoryBytes: 2 ** 30, vcpus: 1, timeline, recoveries: [] }] });
    report.horizonMs = points * 10;
    const page = renderHtml(report);
    const chart = page.slice(page.indexOf('id="chart-throughput-0"'), page.indexOf('</svg>', page.indexOf('id="chart-throughput-0"')));
    // The y axis reaches the largest value of the timeline (125 %, its very last point): it is read from every point.
    expect(chart).toContain('dominant-baseline="middle">120 %</text>');
    expect(chart).toContain(`data-point-count="${points}"`);
  }, 60_000);
});
