import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { servicesStackPerTest } from './support/services-stack-per-test';

/**
 * The live page against a controller started with MIGSIM_API_TOKEN, in
 * headless Chromium: submitting a scenario from the page asks for the token
 * once, keeps it for the tab and sends it as a bearer token. Only the
 * controller runs (the submitted runs wait for host workers that never come). Without
 * Chromium this suite fails under CI=true and is skipped elsewhere, as
 * live-page.spec.ts is.
 */
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM_PATH);
const MISSING_CHROMIUM = `headless Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\``;
const skip = !hasChromium && process.env.CI !== 'true';
if (skip) process.stderr.write(`live-page-token.spec.ts skipped: ${MISSING_CHROMIUM}\n`);
const skipNote = skip ? ` [skipped: ${MISSING_CHROMIUM}]` : '';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FLAGSHIP = readFileSync(join(REPO_ROOT, 'scenarios', 'failed-migration-recovery.yaml'));
const TOKEN = 'f3c1d2e4b5a69788_live-page';

const newStack = servicesStackPerTest();

/** What the page sent to POST /runs and what it got back. */
function recordSubmissions(page: Page): { authorization: string | null; status: number }[] {
  const submissions: { authorization: string | null; status: number }[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/runs') submissions.push({ authorization: request.headers().authorization ?? null, status: response.status() });
  });
  return submissions;
}

async function chooseScenario(page: Page): Promise<void> {
  await page.setInputFiles('#scenario-file', { name: 'failed-migration-recovery.yaml', mimeType: 'application/yaml', buffer: FLAGSHIP });
}

async function answerDialog(page: Page, reason: string, token: string | null): Promise<void> {
  const dialog = page.locator('#token-dialog[open]');
  await dialog.waitFor({ timeout: 10_000 });
  expect(await dialog.locator('.token-reason').textContent()).toBe(reason);
  if (token === null) return dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.locator('input').fill(token);
  await dialog.locator('input').press('Enter');
}

describe('live page with MIGSIM_API_TOKEN, in headless Chromium', () => {
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(skip)(`asks for the token on the first 401, again after a wrong one, then keeps it for the tab and sends it as a bearer token${skipNote}`, async () => {
    if (!hasChromium) throw new Error(MISSING_CHROMIUM);
    const stack = newStack({ label: 'live-page-token', speed: 'max', extraEnv: { MIGSIM_API_TOKEN: TOKEN } });
    await stack.startController();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const submissions = recordSubmissions(page);
    await page.goto(`${stack.url}/`, { waitUntil: 'load' });
    await page.locator('#connection', { hasText: 'live' }).waitFor({ timeout: 15_000 });

    await chooseScenario(page);
    await answerDialog(page, 'This controller accepts changes only with its API token (MIGSIM_API_TOKEN).', 'not-the-token-at-all');
    await answerDialog(page, 'The controller refused that token.', TOKEN);
    await page.locator('#submit-status', { hasText: /^failed-migration-recovery\.yaml: run run-\S+ submitted$/ }).waitFor({ timeout: 10_000 });
    const first = /run (run-\S+) submitted/.exec((await page.locator('#submit-status').textContent())!)![1]!;
    // The page follows the run it submitted.
    await page.locator('#run-line', { hasText: first }).waitFor({ timeout: 10_000 });
    // An unpaced run (MIGSIM_SPEED=max: its snapshot's speed is 0) says so.
    expect(await page.locator('#run-line').textContent()).toMatch(/ · unpaced$/);
    expect(await page.evaluate("sessionStorage.getItem('migsim.apiToken')")).toBe(TOKEN);

    // Asked once: the next submission carries the kept token, no dialog.
    await chooseScenario(page);
    await page.locator('#submit-status', { hasText: /submitted$/ }).filter({ hasNotText: first }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#token-dialog[open]').count()).toBe(0);
    expect(submissions).toEqual([
      { authorization: null, status: 401 },
      { authorization: 'Bearer not-the-token-at-all', status: 401 },
      { authorization: `Bearer ${TOKEN}`, status: 201 },
      { authorization: `Bearer ${TOKEN}`, status: 201 },
    ]);
    expect(((await stack.get('/runs')) as unknown[]).length).toBe(2);

    // Another tab starts without the token; declining the dialog submits nothing and says why.
    const other = await browser.newPage();
    await other.goto(`${stack.url}/`, { waitUntil: 'load' });
    await chooseScenario(other);
    await answerDialog(other, 'This controller accepts changes only with its API token (MIGSIM_API_TOKEN).', null);
    await other.locator('#submit-status.bad', { hasText: "failed-migration-recovery.yaml was not submitted: POST /runs needs the controller's API token" }).waitFor({ timeout: 10_000 });
    expect(((await stack.get('/runs')) as unknown[]).length).toBe(2);

    expect(problems).toEqual([]);
    await other.close();
    await page.close();
  }, 120_000);
});
