import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJson } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A shipped scenario: its path as users pass it (`scenarios/<name>.yaml`) and its text. */
export function shippedScenario(file: string): { file: string; text: string } {
  return { file, text: readFileSync(`${ROOT}${file}`, 'utf8') };
}

/** The engine's report, as `migsim simulate <file> --out` writes it: the JSON text. */
export function engineReportText(scenarioText: string, file: string): string {
  return renderJson(simulate(loadScenario(scenarioText, file), { scenarioFile: file }));
}

/**
 * A report's JSON without what the two drivers may differ in — the top-level
 * `engine` field and the top-level `execution` object — as indented JSON, key
 * order and numbers untouched (JSON.parse and JSON.stringify round-trip what
 * JSON.stringify wrote).
 */
export function withoutRunFields(reportJson: string): string {
  const report = JSON.parse(reportJson) as Record<string, unknown>;
  delete report.engine;
  delete report.execution;
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The path of the first value that differs, with both values (null: equal). For failure messages: reports are megabytes. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${path}: ${JSON.stringify(a)?.slice(0, 300)} vs ${JSON.stringify(b)?.slice(0, 300)}`;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.join('\u0000') !== keysB.join('\u0000')) return `${path}: keys ${JSON.stringify(keysA)} vs ${JSON.stringify(keysB)}`;
  for (const key of keysA) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The services' report equals the engine's byte for byte but for `engine`
 * and `execution`: no tolerance. It also says which driver wrote each.
 */
export function expectSameReport(servicesJson: string, engineJson: string, where: string): void {
  const services = JSON.parse(servicesJson) as { engine?: unknown; execution?: { driver?: unknown; windows?: unknown } };
  expect(services.engine, where).toBe('services');
  expect(services.execution?.driver, where).toBe('services');
  expect(services.execution?.windows, where).toBeGreaterThan(0);
  expect((JSON.parse(engineJson) as { engine?: unknown }).engine, where).toBe('in-process');
  const [got, want] = [withoutRunFields(servicesJson), withoutRunFields(engineJson)];
  if (got !== want) expect(firstDifference(JSON.parse(got), JSON.parse(want)), `${where}: services vs engine (first difference)`).toBeNull();
  expect(got === want, `${where}: services report text equals the engine's`).toBe(true);
}
