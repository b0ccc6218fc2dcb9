import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FaultEntry } from '@migsim/cluster';
import { parseReport, renderJson, type Report } from '@migsim/report';
import { loadScenario, parseDuration, ScenarioError } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { planShards } from '../shard-plan';
import { runServicesInProcess } from './services-in-process';

const scenariosDir = fileURLToPath(new URL('../../../../scenarios/', import.meta.url));
const file = 'converging-precopy.yaml';
const text = readFileSync(`${scenariosDir}${file}`, 'utf8');
const scenario = loadScenario(text, `scenarios/${file}`);
const shards = planShards(scenario, ['source-0'], ['destination-0']);
const crash: FaultEntry = { kind: 'destination-crash', host: 'dst-1', duration: '10s', description: 'operator pulls dst-1' };

/** The report's JSON without what names the driver or lists the injections (the engine's run has them in its file). */
function comparable(report: Report): string {
  const json = JSON.parse(renderJson(report)) as Record<string, unknown>;
  delete json['engine'];
  delete json['execution'];
  for (const variant of json['variants'] as Record<string, unknown>[]) delete variant['injectedFaults'];
  return JSON.stringify(json);
}

/** The scenario file with `entries` appended to its faults list, as a user pastes a report's injectedFaults. */
function withFaults(source: string, entries: readonly FaultEntry[]): string {
  const document = parseDocument(source);
  if (!document.has('faults')) document.set('faults', document.createNode([]));
  for (const entry of entries) document.addIn(['faults'], document.createNode(entry, { flow: true }));
  return document.toString();
}

describe('"inject now" over the services', () => {
  it('a destination crash injected mid-migration fails it; the report lists the fault, and the engine replays it from the file, byte for byte', async () => {
    let atNs: number | undefined;
    const report = await runServicesInProcess(text, `scenarios/${file}`, scenario.seed, shards, {
      inject: { afterNs: 5e9, fault: crash, onInjected: (at) => (atNs = at) },
    });
    expect(atNs).toBeGreaterThanOrEqual(5e9);
    const variant = report.variants[0]!;
    expect(variant.injectedFaults).toHaveLength(1);
    const injected = variant.injectedFaults![0]!;
    expect(injected).toMatchObject({ kind: 'destination-crash', host: 'dst-1', duration: '10s' });
    expect(parseDuration(injected['at'])).toEqual({ ok: true, value: atNs }); // `at` is exact
    expect(variant.migrations[0]!.attempts[0]!.outcome).toBe('failed');
    expect(variant.events.some((event) => event.kind === 'fault' && event.detail.includes('operator pulls dst-1'))).toBe(true);
    expect(parseReport(renderJson(report), 'report.json').variants[0]!.injectedFaults).toEqual(variant.injectedFaults);

    const replayText = withFaults(text, variant.injectedFaults!);
    const replay = simulate(loadScenario(replayText, `scenarios/${file}`));
    expect(comparable(replay)).toBe(comparable(report));
  }, 120_000);

  it('a coordinator replaced after the injection replays it from its journal: the same report', async () => {
    const once = await runServicesInProcess(text, `scenarios/${file}`, scenario.seed, shards, { inject: { afterNs: 5e9, fault: crash } });
    const replaced = await runServicesInProcess(text, `scenarios/${file}`, scenario.seed, shards, {
      inject: { afterNs: 5e9, fault: crash },
      replaceCoordinator: { afterMessages: 10 },
    });
    // The replacement comes after the injection (window 2's reports) and well before the end (two reports per window).
    expect(once.execution!.windows * 2).toBeGreaterThan(10 + 4);
    expect(once.variants[0]!.injectedFaults).toHaveLength(1);
    expect(renderJson(replaced)).toBe(renderJson(once));
  }, 120_000);

  it('an entry that does not fit the scenario is refused with its fields named, and the run goes on as if it never came', async () => {
    let refused: unknown;
    const report = await runServicesInProcess(text, `scenarios/${file}`, scenario.seed, shards, {
      inject: { afterNs: 5e9, fault: { kind: 'destination-crash', host: 'dst-9' }, onInjected: () => expect.unreachable(), onRefused: (error) => (refused = error) },
    });
    expect(refused).toBeInstanceOf(ScenarioError);
    expect((refused as ScenarioError).problems.map((problem) => problem.path)).toEqual(['faults[0].host']);
    expect(report.variants[0]!.injectedFaults).toBeUndefined();
    expect(comparable(report)).toBe(comparable(simulate(scenario)));
  }, 120_000);
});
