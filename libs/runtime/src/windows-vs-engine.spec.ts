import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJson } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import { planShards } from './shard-plan';
import { runWindowsInProcess } from './windows-in-process';
import { runServicesInProcess } from './services/services-in-process';

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

describe('the services over the in-memory queue port give the engine\'s report, byte for byte', () => {
  const engineReports = new Map<string, string>();
  const engine = (file: string, text: string) => {
    let json = engineReports.get(file);
    if (json === undefined) {
      json = renderJson(simulate(loadScenario(text, `scenarios/${file}`)));
      engineReports.set(file, json);
    }
    return json;
  };

  for (const file of shipped) {
    it(`${file}: coordinator and two shard workers over the queue port with the run codecs`, async () => {
      const text = readFileSync(`${scenariosDir}${file}`, 'utf8');
      const scenario = loadScenario(text, `scenarios/${file}`);
      const report = await runServicesInProcess(text, `scenarios/${file}`, scenario.seed, planShards(scenario, ['source-0'], ['destination-0']));
      expect(report.execution?.windows).toBeGreaterThan(1);
      expect(comparable(renderJson(report))).toBe(comparable(engine(file, text)));
    }, 180_000);
  }

  it('a shard worker replaced mid-run rebuilds its hosts from the journal: the same report', async () => {
    const file = 'failed-migration-recovery.yaml';
    const text = readFileSync(`${scenariosDir}${file}`, 'utf8');
    const scenario = loadScenario(text, `scenarios/${file}`);
    const report = await runServicesInProcess(text, `scenarios/${file}`, scenario.seed, planShards(scenario, ['source-0'], ['destination-0']), {
      replaceShard: { shard: 'source-0', afterMessages: 12 },
    });
    expect(comparable(renderJson(report))).toBe(comparable(engine(file, text)));
  }, 180_000);

  it('a coordinator replaced mid-run resumes from its journal: the same report', async () => {
    const file = 'flaky-network.yaml';
    const text = readFileSync(`${scenariosDir}${file}`, 'utf8');
    const scenario = loadScenario(text, `scenarios/${file}`);
    const report = await runServicesInProcess(text, `scenarios/${file}`, scenario.seed, planShards(scenario, ['source-0'], ['destination-0', 'destination-1']), {
      replaceCoordinator: { afterMessages: 40 },
    });
    expect(comparable(renderJson(report))).toBe(comparable(engine(file, text)));
  }, 180_000);
});
