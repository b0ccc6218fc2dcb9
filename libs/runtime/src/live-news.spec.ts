import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HostLive } from '@migsim/cluster';
import type { WindowDoneV1 } from '@migsim/protocol';
import { loadScenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { CoordinatorRuntime, type CoordinatorCommand } from './coordinator-runtime';
import { RunWorlds } from './run-worlds';
import { ShardRuntime } from './shard-runtime';
import { planShards } from './shard-plan';

const file = 'scenarios/failed-migration-recovery.yaml';
const text = readFileSync(fileURLToPath(new URL(`../../../${file}`, import.meta.url)), 'utf8');

interface Collected {
  windows: number;
  /** Windows whose done carried any host's news, and those of them whose open had not asked for it. */
  withNews: number;
  unasked: number;
  /** Every event and sample point the hosts reported, per variant and host, in the order they came. */
  events: Map<string, unknown[]>;
  samples: Map<string, unknown[]>;
  /** The last up/down state each host reported. */
  up: Map<string, boolean>;
}

/** Runs the flagship's windows in process; `ask(window, final)` says whether an open asks for live news. */
function collect(ask: (window: number, final: boolean) => boolean): Collected {
  const scenario = loadScenario(text, file);
  const shards = planShards(scenario, ['source-0'], ['destination-0']);
  const worlds = () => new RunWorlds(text, file, scenario.seed, shards);
  const coordinator = new CoordinatorRuntime('run', worlds());
  const runtimes = new Map(shards.map((shard) => [shard.id, new ShardRuntime('run', shard.id, worlds())]));
  const collected: Collected = { windows: 0, withNews: 0, unasked: 0, events: new Map(), samples: new Map(), up: new Map() };
  const keep = (variant: number, host: HostLive) => {
    const key = `${variant}/${host.host}`;
    collected.events.set(key, [...(collected.events.get(key) ?? []), ...host.events]);
    for (const sample of host.samples) {
      const vmKey = `${variant}/${sample.vm}`;
      collected.samples.set(vmKey, [...(collected.samples.get(vmKey) ?? []), ...sample.points]);
    }
    collected.up.set(key, host.up);
  };
  let command: CoordinatorCommand | undefined = coordinator.begin();
  while (command !== undefined && command.kind === 'open') {
    collected.windows += 1;
    let next: CoordinatorCommand | undefined;
    let news = false;
    let asked = false;
    for (const open of command.messages) {
      asked ||= ask(open.window, open.final);
      const done: WindowDoneV1 = runtimes.get(open.shard)!.runWindow(ask(open.window, open.final) ? open : { ...open, live: false });
      for (const { variant, hosts } of done.live) {
        for (const host of hosts) {
          news = true;
          keep(variant, host);
        }
      }
      next = coordinator.onDone(done) ?? next;
    }
    if (news) collected.withNews += 1;
    if (news && !asked) collected.unasked += 1;
    command = next;
  }
  return collected;
}

describe('live news', () => {
  it('a window-open with live: false leaves the hosts\' news for the next one that asks: nothing is lost, only batched', () => {
    const everyWindow = collect(() => true);
    // A run may take more than one window to end (a shard that sends near the horizon stops to hear the answer).
    const lastOnly = collect((_window, final) => final);
    expect(lastOnly.windows).toBe(everyWindow.windows);
    expect(everyWindow.withNews).toBeGreaterThan(1);
    expect(lastOnly.unasked).toBe(0);
    expect(lastOnly.withNews).toBeGreaterThan(0);
    expect(lastOnly.withNews).toBeLessThan(everyWindow.withNews);
    expect([...lastOnly.events]).toEqual([...everyWindow.events]);
    expect([...lastOnly.samples]).toEqual([...everyWindow.samples]);
    expect([...lastOnly.up]).toEqual([...everyWindow.up]);
    expect([...everyWindow.events.values()].flat().length).toBeGreaterThan(0);
    expect([...everyWindow.samples.values()].flat().length).toBeGreaterThan(0);
  });

  it('a host with nothing new stays out of the done report', () => {
    // Every window asks; the flagship's hosts are quiet between its faults, so some windows report only some hosts.
    const scenario = loadScenario(text, file);
    const shards = planShards(scenario, ['source-0'], ['destination-0']);
    const served = (shard: string) =>
      scenario.variants.reduce((sum, variant) => sum + variant.hosts.filter((host) => shards.find((entry) => entry.id === shard)!.hosts.includes(host.name)).length, 0);
    const worlds = () => new RunWorlds(text, file, scenario.seed, shards);
    const coordinator = new CoordinatorRuntime('run', worlds());
    const runtimes = new Map(shards.map((shard) => [shard.id, new ShardRuntime('run', shard.id, worlds())]));
    let command: CoordinatorCommand | undefined = coordinator.begin();
    let partial = 0;
    let dones = 0;
    while (command !== undefined && command.kind === 'open') {
      let next: CoordinatorCommand | undefined;
      for (const open of command.messages) {
        const done = runtimes.get(open.shard)!.runWindow(open);
        const reported = done.live.reduce((sum, entry) => sum + entry.hosts.length, 0);
        dones += 1;
        if (reported < served(open.shard)) partial += 1;
        next = coordinator.onDone(done) ?? next;
      }
      command = next;
    }
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(dones);
  });
});
