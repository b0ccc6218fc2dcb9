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
      'chart-throughput-close-up-0',
      'chart-coverage-close-up-0',
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
    expect(await table.locator('tbody tr').count()).toBe(5);
    expect(await table.locator('tr[data-variant="recover-in-place"] td.refaults').textContent()).toBe('0');
    expect(await page.locator('#recovery-verdict').textContent()).toContain('recover-in-place');

    // Hover readout: every variant's value at the hovered time.
    const closeUp = page.locator('#chart-throughput-close-up-0');
    await closeUp.scrollIntoViewIfNeeded();
    const box = (await closeUp.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    const readout = page.locator('#readout');
    expect(await readout.isVisible()).toBe(true);
    const readoutText = (await readout.textContent()) ?? '';
    expect(readoutText).toMatch(/^t = \d+\.\d\d s/);
    expect(readoutText).toContain('recover-in-place: 100.0 %');
    expect(readoutText).toContain('none: 74.0 %');
    await page.mouse.move(0, 0);
    await page.evaluate('window.scrollTo(0, 0)');

    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(existsSync(SCREENSHOT_PATH)).toBe(true);

    expect(problems).toEqual([]);
    expect(requests).toEqual([fileUrl]);
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
