import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSetOption } from '../input/set-parameter';
import { planSweep } from '../input/sweep-plan';
import { executeRun, ScenarioCache } from '../run/execute-run';
import { summarizeSweep } from '../summary/sweep-summary';
import { runTasksOf } from '../sweep-tasks';
import { smallChaosScenarioText } from '../testing';
import { renderSweepHtml } from './sweep-html';

/**
 * Opens a sweep's index.html in a real headless Chromium (as the report's
 * browser test does). Without Chromium it fails under CI=true and is skipped
 * elsewhere, saying why.
 */
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM_PATH);
const skip = !hasChromium && process.env.CI !== 'true';
const MISSING = `headless Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\``;
if (skip) process.stderr.write(`sweep-html.browser.spec.ts skipped: ${MISSING}\n`);
const SCREENSHOT = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'test-artifacts', 'sweep-html.png');

interface Drawn {
  dataset: Record<string, string | undefined>;
  getTotalLength(): number;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number; height: number };
  closest(selector: string): Drawn | null;
  querySelector(selector: string): Drawn | null;
}

describe.skipIf(skip)('sweep index.html in headless Chromium', () => {
  let browser: Browser | undefined;
  const work = mkdtempSync(join(tmpdir(), 'migsim-sweep-html-'));
  const plan = planSweep({ scenarioText: smallChaosScenarioText(), fileName: 'small.yaml', seeds: [1, 2, 3, 4, 5], sets: [parseSetOption('policy.retries.max=0,2')] });
  const cache = new ScenarioCache();
  const results = runTasksOf(plan).map((task) => executeRun(task, cache));
  const summary = summarizeSweep(plan, results, { shrunk: new Map([[`0/${summary0FailingSeed()}/patient`, 'shrunk/patient-seed-1.yaml']]) });

  function summary0FailingSeed(): number {
    return summarizeSweep(plan, results).failures.find((failure) => failure.cell === 0 && failure.variant === 'patient')?.seed ?? 1;
  }

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows every cell\'s outcomes, one CDF line per variant in every chart, the paired differences and every failing run, offline and without errors', async () => {
    const file = join(work, 'index.html');
    writeFileSync(file, renderSweepHtml(plan, summary, results));
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);

    expect(await page.locator('section.cell').count()).toBe(2);
    expect(await page.locator('section.cell h2').allTextContents()).toEqual(['policy.retries.max = 0', 'policy.retries.max = 2']);
    expect(await page.locator('section.cell').first().locator('table.outcomes tbody tr').evaluateAll((rows) => rows.map((row) => (row as unknown as Drawn).dataset['variant']))).toEqual([
      'patient',
      'impatient',
    ]);
    // Every chart: a line per variant with values, drawn inside the chart, with some length.
    const lines = await page.locator('section.cell figure.cdf-figure svg.cdf').evaluateAll((charts) =>
      charts.map((chart) => {
        const svg = chart as unknown as Drawn & { querySelectorAll(selector: string): ArrayLike<Drawn> };
        const box = svg.getBoundingClientRect();
        const paths = Array.from(svg.querySelectorAll('path.cdf-line'));
        return {
          metric: svg.closest('figure')!.dataset['metric'],
          series: paths.map((path) => path.dataset['series']),
          inside: paths.every((path) => {
            const drawn = path.getBoundingClientRect();
            return drawn.left >= box.left - 1 && drawn.right <= box.right + 1 && drawn.top >= box.top - 1 && drawn.bottom <= box.bottom + 1;
          }),
          lengths: paths.map((path) => path.getTotalLength()),
        };
      }),
    );
    expect(lines.map((chart) => chart.metric)).toEqual(['totalTimeMs', 'downtimeMs', 'drainMs', 'lostWorkVcpuSeconds', 'timeTo95Ms', 'totalTimeMs', 'downtimeMs', 'drainMs', 'lostWorkVcpuSeconds', 'timeTo95Ms']);
    for (const chart of lines.filter((entry) => entry.metric === 'drainMs' || entry.metric === 'lostWorkVcpuSeconds')) {
      expect(chart.series).toEqual(['patient', 'impatient']);
      expect(chart.inside).toBe(true);
      expect(Math.min(...chart.lengths)).toBeGreaterThan(100);
    }
    expect(await page.locator('table.paired tbody tr').count()).toBe(2);
    const failures = page.locator('#failures table.failures tbody tr');
    expect(await failures.count()).toBe(summary.failures.length);
    expect(summary.failures.length).toBeGreaterThan(0);
    const first = summary.failures[0]!;
    expect(await failures.first().locator('code').textContent()).toBe(first.command);
    expect(await page.locator('#failures a[href="shrunk/patient-seed-1.yaml"]').count()).toBe(1);
    expect(problems).toEqual([]);
    expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });
});
