import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { CoordinatorRuntime, type CoordinatorCommand } from './coordinator-runtime';
import { RunWorlds } from './run-worlds';
import { ShardRuntime } from './shard-runtime';
import { planShards } from './shard-plan';
import { COORDINATOR, runCodecs, unpackPageStreams, type WindowDoneV1, type WindowOpenV1 } from '@migsim/protocol';

const scenariosDir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

describe('page data between shards', () => {
  // converging-precopy migrates vm-1 from the source shard's host to the destination shard's: its whole
  // pre-copy stream crosses, shard -> coordinator -> shard, as packed page streams.
  it('crosses packed: no page batch travels as a mail item, and every batch sent arrives in its stream\'s order', () => {
    const file = 'converging-precopy.yaml';
    const text = readFileSync(`${scenariosDir}${file}`, 'utf8');
    const scenario = loadScenario(text, `scenarios/${file}`);
    const shards = planShards(scenario, ['source-0'], ['destination-0']);
    const worlds = () => new RunWorlds(text, `scenarios/${file}`, scenario.seed, shards);
    const coordinator = new CoordinatorRuntime('run', worlds());
    const runtimes = new Map(shards.map((shard) => [shard.id, new ShardRuntime('run', shard.id, worlds())]));
    const sent: number[] = [];
    const received: number[] = [];
    const batchSeq = (message: unknown) => (message as { batch: { seq: number } }).batch.seq;
    let command: CoordinatorCommand | undefined = coordinator.begin();
    while (command !== undefined && command.kind === 'open') {
      let next: CoordinatorCommand | undefined;
      for (const open of command.messages) {
        // Through JSON and the codecs, as over the queue.
        const wireOpen = JSON.parse(JSON.stringify(open)) as WindowOpenV1;
        runCodecs.decode(wireOpen);
        for (const item of wireOpen.mail) expect(item.delivery.lazy).toBe(false);
        for (const item of unpackPageStreams(wireOpen.streams)) received.push(batchSeq(item.delivery.message));
        const done = JSON.parse(JSON.stringify(runtimes.get(open.shard)!.runWindow({ ...wireOpen, live: false }))) as WindowDoneV1;
        runCodecs.decode(done);
        for (const bag of done.mail) {
          for (const item of bag.items) expect(item.delivery.lazy).toBe(false);
          for (const item of unpackPageStreams(bag.streams)) sent.push(batchSeq(item.delivery.message));
        }
        next = coordinator.onDone(done) ?? next;
      }
      command = next;
    }
    expect(sent.length).toBeGreaterThan(100);
    expect(received).toEqual(sent.slice(0, received.length));
    expect(received).toEqual([...received].sort((a, b) => a - b));
  }, 120_000);

  it('the coordinator refuses page data addressed to itself (the controllers take none)', () => {
    const file = 'converging-precopy.yaml';
    const text = readFileSync(`${scenariosDir}${file}`, 'utf8');
    const scenario = loadScenario(text, `scenarios/${file}`);
    const shards = planShards(scenario, ['source-0'], ['destination-0']);
    const coordinator = new CoordinatorRuntime('run', new RunWorlds(text, `scenarios/${file}`, scenario.seed, shards));
    coordinator.begin();
    const stream = { variant: 0, from: 'host:h-1', fromRank: 1, to: 'controller', attemptId: 'm#1', batches: [] };
    const done: WindowDoneV1 = { v: 1, type: 'migsim.window-done', run: 'run', shard: 'source-0', window: 0, reachedNs: 0, earliestOutputNs: null, steps: 0, sent: 0, mail: [{ to: COORDINATOR, items: [], streams: [stream] }], live: [] };
    expect(() => coordinator.onDone(done)).toThrow('shard source-0 sent page data to the coordinator');
  });
});
