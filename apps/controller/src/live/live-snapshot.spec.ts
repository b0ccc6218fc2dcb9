import { readFileSync } from 'node:fs';
import { CoordinatorRuntime, planShards, RunWorlds, ShardRuntime, type CoordinatorCommand } from '@migsim/runtime';
import { loadScenario } from '@migsim/scenario';
import { simulate } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../runs/run-record';
import { LiveNews } from './live-news';
import { buildLiveSnapshot } from './live-snapshot';

const FILE = 'failed-migration-recovery.yaml';
const TEXT = readFileSync(new URL(`../../../../scenarios/${FILE}`, import.meta.url), 'utf8');
const scenario = loadScenario(TEXT, FILE);
const shards = planShards(scenario, ['source-0'], ['destination-0']);

function record(status: RunRecord['status']): RunRecord {
  return { id: 'run-1', status, scenarioText: TEXT, fileName: FILE, seed: scenario.seed, speed: 40, epochMs: 0, shards, createdAtMs: 0, finishedAtMs: null, error: null };
}

/** The run driven window by window until virtual time passes `untilNs`, the shards' news fed as the controller gets it. */
function runUntil(untilNs: number): { coordinator: CoordinatorRuntime; news: LiveNews } {
  const worlds = () => new RunWorlds(TEXT, FILE, scenario.seed, shards);
  const coordinator = new CoordinatorRuntime('run-1', worlds());
  const runtimes = new Map(shards.map((shard) => [shard.id, new ShardRuntime('run-1', shard.id, worlds())]));
  const news = new LiveNews();
  let command: CoordinatorCommand | undefined = coordinator.begin();
  while (command?.kind === 'open' && coordinator.reachedNs < untilNs) {
    let next: CoordinatorCommand | undefined;
    for (const open of command.messages) {
      const done = runtimes.get(open.shard)!.runWindow(open);
      for (const entry of done.live) for (const host of entry.hosts) news.add('run-1', scenario.variants[entry.variant]!.name, host);
      next = coordinator.onDone(done) ?? next;
    }
    command = next;
  }
  return { coordinator, news };
}

describe('live snapshot: what the page draws of a run opened mid-way or after the end', () => {
  it('mid-run: the migration runs with its last query-migrate reply and phase, the VM is on its source, the feed has the queue event', () => {
    const { coordinator, news } = runUntil(60e9);
    const snapshot = buildLiveSnapshot({ record: record('running'), scenario, controllers: coordinator.controllerActors, news, report: null, simulatedMs: coordinator.reachedNs / 1e6, withSamples: true });
    expect(snapshot.hosts).toEqual(['src-1', 'dst-1']);
    expect(snapshot.run.simulatedMs).toBeGreaterThanOrEqual(60_000);
    for (const variant of snapshot.variants) {
      const m1 = variant.migrations.find((migration) => migration.id === 'm1')!;
      expect(m1.status).toBe('running');
      expect(m1.phase?.phase).toBe('round');
      expect(m1.info?.status).toBe('active');
      expect(m1.info!.ram.transferred).toBeGreaterThan(0);
      expect(variant.vms.find((vm) => vm.name === 'vm-1')!.host).toBe('src-1');
      expect(variant.events.some((event) => event.kind === 'migration-queued' && event.subject === 'm1')).toBe(true);
      expect(variant.samples!['vm-1']!.length).toBeGreaterThan(10);
    }
  });

  it('after the end: the report is the story — migrations done with their outcome, the whole timeline', () => {
    const report = simulate(scenario);
    const snapshot = buildLiveSnapshot({ record: record('completed'), scenario, controllers: [], news: new LiveNews(), report, simulatedMs: scenario.horizonNs / 1e6, withSamples: true });
    for (const [index, variant] of snapshot.variants.entries()) {
      expect(variant.done).toBe(true);
      expect(variant.migrations.map((migration) => [migration.id, migration.status, migration.outcome])).toEqual([['m1', 'done', 'failed']]);
      expect(variant.samples!['vm-1']).toEqual(report.variants[index]!.vms[0]!.timeline);
    }
  });
});
