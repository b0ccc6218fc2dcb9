import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJson } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import { planShards } from './run-worlds';
import { runWindowsInProcess } from './windows-in-process';

const scenariosDir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const shipped = readdirSync(scenariosDir).filter((file) => file.endsWith('.yaml')).sort();

/** The report without the field that names the driver. */
function comparable(json: string): string {
  const report = JSON.parse(json) as Record<string, unknown>;
  delete report['engine'];
  delete report['execution'];
  return JSON.stringify(report);
}

describe('the window protocol gives the engine\'s report, byte for byte', () => {
  for (const file of shipped) {
    it(`${file}: one source and one destination shard`, () => {
      const text = readFileSync(`${scenariosDir}${file}`, 'utf8');
      const scenario = loadScenario(text, `scenarios/${file}`);
      const engine = renderJson(simulate(scenario));
      const { report, windows } = runWindowsInProcess(text, `scenarios/${file}`, scenario.seed, planShards(scenario, ['source-0'], ['destination-0']));
      expect(comparable(renderJson(report))).toBe(comparable(engine));
      expect(windows).toBeGreaterThan(1);
    }, 120_000);
  }
});
