import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDurationMs } from './format';
import { interestingVms } from './interesting-vms';
import { renderHtml } from './render-html';
import { sampleStudyReport } from './sample-study-report';

/** The study part of the HTML report in a real headless Chromium (skipped, saying why, without one outside CI). */
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const MISSING_CHROMIUM = `headless Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\``;
const skip = !existsSync(CHROMIUM_PATH) && process.env.CI !== 'true';
if (skip) process.stderr.write(`html-study.browser.spec.ts skipped: ${MISSING_CHROMIUM}\n`);
const skipNote = skip ? ` [skipped: ${MISSING_CHROMIUM}]` : '';
const SCREENSHOT_PATH = join(fileURLToPath(new URL('../../../', import.meta.url)), 'test-artifacts', 'report-html-study.png');

describe('the HTML report of a study in headless Chromium', () => {
  let browser: Browser | undefined;
  const workDir = mkdtempSync(join(tmpdir(), 'migsim-study-html-'));

  beforeAll(async () => {
    if (!skip) browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it.skipIf(skip)(`shows the study summary and tier loads, charts VMs by interest, lists the interesting migrations, offline and without errors${skipNote}`, async () => {
    if (browser === undefined) throw new Error(MISSING_CHROMIUM);
    const report = sampleStudyReport({ migrations: 40 });
    const file = join(workDir, 'study.html');
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });

    // The summary table says what the report's summary says.
    const study = report.summary.variants[0]!.study!;
    const totalRow = await page.locator('#study table.percentiles tr', { hasText: 'total time' }).locator('td').allInnerTexts();
    expect(totalRow).toEqual([String(study.totalTimeMs.count), formatDurationMs(study.totalTimeMs.p50), formatDurationMs(study.totalTimeMs.p90), formatDurationMs(study.totalTimeMs.p95), formatDurationMs(study.totalTimeMs.p99), formatDurationMs(study.totalTimeMs.max), formatDurationMs(study.totalTimeMs.mean)]);
    expect(await page.locator('#study .study-facts').innerText()).toContain('not over at the horizon');

    // Three study charts, each with a drawn line per series.
    for (const id of ['chart-study-0-links-mean', 'chart-study-0-links-max', 'chart-study-0-total-time']) {
      const lengths = await page.locator(`svg#${id} path.series`).evaluateAll((paths) => paths.map((path) => (path as unknown as { getTotalLength(): number }).getTotalLength()));
      expect(lengths.length, id).toBeGreaterThan(0);
      expect(lengths.every((length) => length > 50), id).toBe(true);
    }

    // Hovering the tier chart reads both tiers out.
    const chart = page.locator('svg#chart-study-0-links-mean');
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const readout = await page.locator('#readout').innerText();
    expect(readout).toMatch(/nic: \d/);
    expect(readout).toMatch(/uplink: \d/);

    // VM charts follow interest (failed first), not names.
    const charted = await page.locator('figure.chart-group').evaluateAll((figures) => figures.map((figure) => (figure as unknown as { dataset: Record<string, string> }).dataset['vm']));
    const expected = interestingVms(report.variants).map((vm) => vm.vm);
    expect(charted).toEqual(expected);
    expect(await page.locator('figure.chart-group .chart-reason').first().innerText()).toMatch(/^failed: drain\/vm-\d+$/);

    // The migrations table lists the 20 most interesting and says where the others are.
    expect(await page.locator('#migrations table.migrations tbody tr').count()).toBe(20);
    expect(await page.locator('#migrations').innerText()).toContain('20 more migrations are not listed here');

    expect(problems).toEqual([]);
    expect(requests.filter((request) => request !== url)).toEqual([]);
    mkdirSync(join(SCREENSHOT_PATH, '..'), { recursive: true });
    await page.locator('#study').screenshot({ path: SCREENSHOT_PATH });
    await page.close();
  }, 60_000);
});
