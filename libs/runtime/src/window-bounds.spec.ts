import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJson } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import { CoordinatorRuntime, type CoordinatorCommand } from './coordinator-runtime';
import { RunWorlds } from './run-worlds';
import { ShardRuntime } from './shard-runtime';
import { planShards } from './shard-plan';
import { runWindowsInProcess } from './windows-in-process';
import { COORDINATOR, type ShardAssignment } from '@migsim/protocol';

const scenariosDir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const shipped = readdirSync(scenariosDir).filter((file) => file.endsWith('.yaml')).sort();
const read = (file: string) => readFileSync(`${scenariosDir}${file}`, 'utf8');

function comparable(json: string): string {
  const report = JSON.parse(json) as Record<string, unknown>;
  delete report['engine'];
  delete report['execution'];
  return JSON.stringify(report);
}

/** Runs the window protocol in process; counts its windows and the counted messages that went from one party to another. */
function countWindows(file: string, shards: ShardAssignment[]): { windows: number; crossing: number } {
  const text = read(file);
  const scenario = loadScenario(text, `scenarios/${file}`);
  const worlds = () => new RunWorlds(text, `scenarios/${file}`, scenario.seed, shards);
  const coordinator = new CoordinatorRuntime('run', worlds());
  const runtimes = new Map(shards.map((shard) => [shard.id, new ShardRuntime('run', shard.id, worlds())]));
  let crossing = 0;
  let command: CoordinatorCommand | undefined = coordinator.begin();
  while (command !== undefined && command.kind === 'open') {
    let next: CoordinatorCommand | undefined;
    for (const open of command.messages) {
      // What the coordinator forwards: the controllers' messages and the other shards'.
      crossing += open.mail.filter((item) => !item.delivery.lazy).length;
      const done = runtimes.get(open.shard)!.runWindow({ ...open, live: false });
      for (const bag of done.mail) if (bag.to === COORDINATOR) crossing += bag.items.filter((item) => !item.delivery.lazy).length;
      next = coordinator.onDone(done) ?? next;
    }
    command = next;
  }
  return { windows: coordinator.currentWindow + 1, crossing };
}

describe('window bounds', () => {
  // A shard runs past the times its own migrations might switch over (each pre-copy bitmap sync): only
  // what another party may send holds it, and it stops where a message it sent out could be answered.
  // So a run takes at most one window per counted message between parties (plus window 0), where a
  // global bound at every party's next possible output took one per possible switchover (converging-precopy:
  // 41 windows for 6 such messages).
  for (const file of shipped) {
    it(`${file}: no more windows than counted messages between parties, plus one`, () => {
      const scenario = loadScenario(read(file), `scenarios/${file}`);
      const { windows, crossing } = countWindows(file, planShards(scenario, ['source-0'], ['destination-0']));
      expect(windows).toBeGreaterThan(1);
      expect(windows).toBeLessThanOrEqual(crossing + 1);
    }, 120_000);
  }

  const layouts: [string, number, number][] = [
    ['evacuate-host.yaml', 3, 1],
    ['chaos-policies.yaml', 2, 2],
    ['rack-drain-study.yaml', 4, 0],
    ['postcopy-failure.yaml', 2, 2],
  ];
  for (const [file, sources, destinations] of layouts) {
    it(`${file} on ${sources} source and ${destinations} destination shard(s): the engine's report, byte for byte`, () => {
      const text = read(file);
      const scenario = loadScenario(text, `scenarios/${file}`);
      const names = (role: string, count: number) => Array.from({ length: count }, (_, index) => `${role}-${index}`);
      const shards = planShards(scenario, names('source', sources), names('destination', destinations));
      const { report } = runWindowsInProcess(text, `scenarios/${file}`, scenario.seed, shards);
      expect(comparable(renderJson(report))).toBe(comparable(renderJson(simulate(scenario))));
    }, 120_000);
  }

  // chaos-policies draws its faults (crashes, links down, slow networks) from the seed: other seeds, other
  // message patterns, on one and on three source shards, paced (3 s windows at most) and not.
  for (const seed of [3, 8, 21]) {
    it(`chaos-policies.yaml, seed ${seed}: the engine's report on 1 + 1 and 3 + 0 shards, paced and unpaced`, () => {
      const file = 'chaos-policies.yaml';
      const text = read(file);
      const scenario = loadScenario(text, `scenarios/${file}`);
      const engine = comparable(renderJson(simulate(scenario, { seed })));
      for (const [sources, destinations, maxWindowNs] of [[['source-0'], ['destination-0'], undefined], [['source-0', 'source-1', 'source-2'], [], 3e9]] as const) {
        const { report } = runWindowsInProcess(text, `scenarios/${file}`, seed, planShards(scenario, sources, destinations), { maxWindowNs });
        expect(comparable(renderJson(report))).toBe(engine);
      }
    }, 120_000);
  }

  it('a shard refuses a window that ends before the time it already reached', () => {
    const file = 'converging-precopy.yaml';
    const text = read(file);
    const scenario = loadScenario(text, `scenarios/${file}`);
    const shards = planShards(scenario, ['source-0'], []);
    const runtime = new ShardRuntime('run', 'source-0', new RunWorlds(text, file, scenario.seed, shards));
    const open = { v: 1 as const, type: 'migsim.window-open' as const, run: 'run', shard: 'source-0', mail: [], final: false, live: false };
    expect(runtime.runWindow({ ...open, window: 0, boundNs: 5_000_000 }).reachedNs).toBeLessThanOrEqual(5_000_000);
    expect(() => runtime.runWindow({ ...open, window: 1, boundNs: 1_000 })).toThrow(/window 1 ends at 1000 ns, before the \d+ ns the shard reached/);
  });
});
