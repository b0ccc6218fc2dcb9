import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from './render-html';
import type { Report } from './report-model';
import { sampleFlagshipReport } from './testing';

/**
 * Opens the HTML report in a real headless Chromium. Without Chromium this
 * suite fails under CI=true and is skipped (with the reason in the test
 * name and on stderr) elsewhere.
 */
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM_PATH);
const isCi = process.env.CI === 'true';
const MISSING_CHROMIUM = `headless Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\``;
const skip = !hasChromium && !isCi;
if (skip) process.stderr.write(`html-report.browser.spec.ts skipped: ${MISSING_CHROMIUM}\n`);
const skipNote = skip ? ` [skipped: ${MISSING_CHROMIUM}]` : '';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCREENSHOT_PATH = join(REPO_ROOT, 'test-artifacts', 'report-html.png');
const CLOSE_UP_SCREENSHOT_PATH = join(REPO_ROOT, 'test-artifacts', 'report-html-close-up.png');

/** The parts of SVG elements the assertions measure (the lib has no DOM types). */
interface DrawnElement {
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  getBBox(): { width: number };
  getTotalLength(): number;
  getBoundingClientRect(): { width: number; height: number };
}

interface OpenedPage {
  page: Page;
  problems: string[];
  requests: string[];
  fileUrl: string;
}

describe('HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  const workDir = mkdtempSync(join(tmpdir(), 'migsim-report-'));

  beforeAll(async () => {
    if (!hasChromium) return;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function open(report: Report, fileName: string): Promise<OpenedPage> {
    if (!browser) throw new Error(MISSING_CHROMIUM);
    const file = join(workDir, fileName);
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));
    const fileUrl = pathToFileURL(file).href;
    await page.goto(fileUrl, { waitUntil: 'load' });
    return { page, problems, requests, fileUrl };
  }

  it.skipIf(skip)(`draws every series, the phase bands, the fault markers and the comparison table, offline and without errors${skipNote}`, async () => {
    const { page, problems, requests, fileUrl } = await open(sampleFlagshipReport(), 'report.html');

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => ({
        id: svg.id,
        widthPx: svg.getBoundingClientRect().width,
        series: [...(svg.querySelectorAll('path.series') as unknown as DrawnElement[])].map((path) => ({
          name: path.dataset.series,
          commands: (path.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0,
          drawnWidth: path.getBBox().width,
          drawnLength: path.getTotalLength(),
        })),
        bands: [...(svg.querySelectorAll('rect.phase-band') as unknown as DrawnElement[])].map((rect) => rect.getBoundingClientRect().width),
        faults: [...(svg.querySelectorAll('line.fault-marker') as unknown as DrawnElement[])].map((line) => line.getBoundingClientRect().height),
        faultLabels: [...svg.querySelectorAll('text.fault-marker-label')].map((text) => text.textContent),
      })),
    );
    expect(charts.map((chart) => chart.id)).toEqual([
      'chart-throughput-0',
      'chart-coverage-0',
      'chart-throughput-close-up-0-0',
      'chart-coverage-close-up-0-0',
    ]);
    for (const chart of charts) {
      expect(chart.widthPx).toBeGreaterThan(500);
      expect(chart.series.map((series) => series.name).sort()).toEqual(['none', 'recover-in-place', 'zap-max-level', 'zap-rmap', 'zap-tdp']);
      for (const series of chart.series) {
        expect(series.commands).toBeGreaterThan(10);
        expect(series.drawnWidth).toBeGreaterThan(100);
        expect(series.drawnLength).toBeGreaterThan(100);
      }
      expect(chart.faults.length).toBe(1);
      expect(chart.faults[0]).toBeGreaterThan(100);
      expect(chart.faultLabels).toEqual(['dst-1: destination crash (when m-1 in round 3)']);
    }
    const full = charts[0]!;
    expect(full.bands).toHaveLength(4);
    for (const width of full.bands) expect(width).toBeGreaterThan(0);

    const table = page.locator('#recovery-comparison');
    expect(await table.isVisible()).toBe(true);
    // Every column in view at 1280 px: no horizontal scrolling.
    const overflowPx = await page.$eval('#recovery .table-scroll', (element) => element.scrollWidth - element.clientWidth);
    expect(overflowPx).toBe(0);
    expect(await table.locator('tbody tr').count()).toBe(5);
    expect(await table.locator('tr[data-variant="recover-in-place"] td.refaults').textContent()).toBe('0');
    expect(await page.locator('#recovery-verdict').textContent()).toContain('recover-in-place');

    // Hover readout: every variant's value at the hovered time.
    const whole = page.locator('#chart-throughput-0');
    await whole.scrollIntoViewIfNeeded();
    const wholeBox = (await whole.boundingBox())!;
    await page.mouse.move(wholeBox.x + wholeBox.width * 0.8, wholeBox.y + wholeBox.height * 0.5);
    const readout = page.locator('#readout');
    expect(await readout.isVisible()).toBe(true);
    const wholeText = (await readout.textContent()) ?? '';
    expect(wholeText).toMatch(/^t = \d+\.\d\d s/);
    expect(wholeText).toContain('recover-in-place: 100.0 %');
    expect(wholeText).toContain('none: 92.0 %');
    // In the close-up, 50 ms after logging off (x = 64 + 90 / 240 x 492 of 570 viewBox units): the rmap walk still holds mmu_lock.
    const closeUp = page.locator('#chart-throughput-close-up-0-0');
    await closeUp.scrollIntoViewIfNeeded();
    const box = (await closeUp.boundingBox())!;
    await page.mouse.move(box.x + (248.5 / 570) * box.width, box.y + box.height * 0.5);
    const closeUpText = (await readout.textContent()) ?? '';
    expect(closeUpText).toMatch(/^(4[89]|5[0-2])\.\d ms after dirty logging off/);
    expect(closeUpText).toContain('zap-rmap: 32.2 %');
    expect(closeUpText).toContain('none: 92.0 %');
    await page.mouse.move(0, 0);
    await page.evaluate('window.scrollTo(0, 0)');

    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(existsSync(SCREENSHOT_PATH)).toBe(true);

    expect(problems).toEqual([]);
    expect(requests).toEqual([fileUrl]);
    await page.close();
  });

  it.skipIf(skip)(`shows each strategy's 10-100 ms recovery apart in the close-up, where the whole-run chart cannot${skipNote}`, async () => {
    // In the sample, zap-rmap, zap-max-level, zap-tdp and recover-in-place are back at 99 % 116, 102, 94.5 and 56 ms after logging off.
    const report = sampleFlagshipReport();
    const to99 = report.variants.slice(1).map((variant) => variant.vms[0]!.recoveries[0]!.timeTo99PctMs!);
    expect(Math.max(...to99)).toBeLessThan(150);
    expect(Math.min(...to99)).toBeGreaterThan(10);
    const { page, problems, requests, fileUrl } = await open(report, 'close-up.html');

    /** Per pair of variants, over how many screen pixels of the plot's width their lines are more than 3 px apart. */
    const apartWidths = (chartId: string) =>
      page.$eval(`#${chartId}`, (svg) => {
        interface Geometry { getTotalLength(): number; getPointAtLength(length: number): { x: number; y: number } }
        const plot = svg.querySelector('rect.plot-area')!;
        const left = Number(plot.getAttribute('x'));
        const right = left + Number(plot.getAttribute('width'));
        const scale = svg.getBoundingClientRect().width / Number(svg.getAttribute('viewBox')!.split(' ')[2]);
        const lines = [...svg.querySelectorAll('path.series')].map((path) => {
          const geometry = path as unknown as Geometry;
          const total = geometry.getTotalLength();
          // y at each whole viewBox x: the mean of the points drawn in that column.
          const columns = new Map<number, { sum: number; count: number }>();
          for (let index = 0; index <= 5000; index += 1) {
            const point = geometry.getPointAtLength((total * index) / 5000);
            const column = Math.round(point.x);
            if (column < left || column > right) continue;
            const entry = columns.get(column) ?? { sum: 0, count: 0 };
            entry.sum += point.y;
            entry.count += 1;
            columns.set(column, entry);
          }
          return { name: (path as unknown as DrawnElement).dataset.series!, columns };
        });
        const widths: Record<string, number> = {};
        for (const a of lines) {
          for (const b of lines) {
            if (a.name >= b.name) continue;
            let apart = 0;
            for (const [column, entry] of a.columns) {
              const other = b.columns.get(column);
              if (other && Math.abs(entry.sum / entry.count - other.sum / other.count) * scale > 3) apart += 1;
            }
            widths[`${a.name} / ${b.name}`] = apart * scale;
          }
        }
        return widths;
      });

    await page.locator('#chart-throughput-close-up-0-0').scrollIntoViewIfNeeded();
    const closeUp = await apartWidths('chart-throughput-close-up-0-0');
    const whole = await apartWidths('chart-throughput-0');
    const recovering = ['recover-in-place', 'zap-max-level', 'zap-rmap', 'zap-tdp'];
    const pairs = recovering.flatMap((a) => recovering.filter((b) => a < b).map((b) => `${a} / ${b}`));
    expect(pairs).toHaveLength(6);
    for (const pair of pairs) {
      expect(closeUp[pair], `${pair} in the close-up`).toBeGreaterThan(40);
      expect(whole[pair], `${pair} over the whole run`).toBeLessThan(6);
    }
    // The coverage close-up tells the strategies apart too: in place rises during the operation, the zaps after it.
    const coverage = await apartWidths('chart-coverage-close-up-0-0');
    for (const pair of pairs.filter((pair) => pair !== 'zap-max-level / zap-rmap')) expect(coverage[pair], pair).toBeGreaterThan(20);

    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    await page.locator('.close-up').first().screenshot({ path: CLOSE_UP_SCREENSHOT_PATH });
    expect(problems).toEqual([]);
    expect(requests).toEqual([fileUrl]);
    await page.close();
  });

  it.skipIf(skip)(`reads out the mean of the interval under the pointer, and coverage between two samples${skipNote}`, async () => {
    // One sample a second: the recovery starts at 47.02 s, inside the interval (47 s, 48 s].
    const report = sampleFlagshipReport({ fineStepMs: 0 });
    const timeline = report.variants[1]!.vms[0]!.timeline;
    const before = timeline.find((point) => point.tMs === 47_000)!;
    const after = timeline.find((point) => point.tMs === 48_000)!;
    expect(after.relativeThroughput).not.toBeCloseTo(before.relativeThroughput, 2);
    const { page, problems } = await open(report, 'regular.html');
    const hoverAt = async (chartId: string, tMs: number): Promise<string> => {
      const chart = page.locator(`#${chartId}`);
      await chart.scrollIntoViewIfNeeded();
      const box = (await chart.boundingBox())!;
      await page.mouse.move(box.x + ((64 + (tMs / 90_000) * 1080) / 1160) * box.width, box.y + box.height / 2);
      return (await page.locator('#readout').textContent()) ?? '';
    };
    // 47.3 s is nearer the 47 s sample, but lies in the interval the 48 s sample summarises.
    const throughput = await hoverAt('chart-throughput-0', 47_300);
    expect(throughput).toMatch(/^t = 47\.[23]\d s/);
    expect(throughput).toContain(`zap-rmap: ${(after.relativeThroughput * 100).toFixed(1)} %`);
    // Coverage is a value at each sample: between them the readout interpolates, as the line does.
    const coverage = await hoverAt('chart-coverage-0', 47_300);
    const value = Number(/zap-rmap: ([\d.]+) %/.exec(coverage)![1]);
    expect(value).toBeGreaterThan(before.hugeFraction * 100 + 5);
    expect(value).toBeLessThan(after.hugeFraction * 100 - 5);
    expect(problems).toEqual([]);
    await page.close();
  });

  it.skipIf(skip)(`shows hostile names as text: no markup injected, no script run${skipNote}`, async () => {
    const hostile = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>';
    const report = sampleFlagshipReport({ vmName: hostile, scenarioName: hostile });
    report.variants[0]!.name = hostile;
    const { page, problems, requests, fileUrl } = await open(report, 'hostile.html');

    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('h1').textContent()).toBe(hostile);
    const chart = page.locator('#chart-throughput-0');
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    expect(await page.locator('#readout').textContent()).toContain(`${hostile}: `);
    expect(await page.locator('#readout img').count()).toBe(0);

    expect(problems).toEqual([]);
    expect(requests).toEqual([fileUrl]);
    await page.close();
  });
});
