import { renderJson } from '@migsim/report';
import { simulate } from '@migsim/sim';
import { patchDocument, scenarioFrom } from '@migsim/scenario/testing';
import { describe, expect, it } from 'vitest';
import { CoordinatorRuntime } from './coordinator-runtime';
import { RunWorlds } from './run-worlds';
import { planShards } from './shard-plan';
import { runWindowsInProcess } from './windows-in-process';

const host = (name: string) => ({ name, link: '10Gbps', memory: '64GiB' });
const vm = (name: string, on: string) => ({ name, host: on, memory: '2GiB', vcpus: 1, workload: { pattern: 'uniform', writeWorkingSet: '256MiB', dirtyRate: '5MB/s' } });

/**
 * Four hosts that all hold VMs, listed so that round robin would split both
 * drains across two shards (a-1 and a-2 on one, b-1 and b-2 on the other):
 * a-1 drains to b-1, a-2 to b-2.
 */
const twoDrains = {
  horizon: '60s',
  hosts: [host('a-1'), host('b-1'), host('a-2'), host('b-2')],
  vms: [vm('vm-1', 'a-1'), vm('vm-2', 'b-1'), vm('vm-3', 'a-2'), vm('vm-4', 'b-2')],
  migrations: undefined,
  plans: [
    { drain: 'a-1', at: '1s', to: ['b-1'] },
    { drain: 'a-2', at: '1s', to: ['b-2'] },
  ],
};

describe('planShards', () => {
  it('hosts that migrate to each other share a shard, and the shards stay even', () => {
    const scenario = scenarioFrom(twoDrains, 'two-drains.yaml');
    const shards = planShards(scenario, ['source-0', 'source-1'], ['destination-0']);
    expect(shards).toEqual([
      { id: 'source-0', hosts: ['a-1', 'b-1'] },
      { id: 'source-1', hosts: ['a-2', 'b-2'] },
      { id: 'destination-0', hosts: [] },
    ]);
  });

  it('without migrations between hosts of a role, round robin in the scenario\'s order; hosts without VMs go to the destination shards', () => {
    const scenario = scenarioFrom({ hosts: [host('src-1'), host('src-2'), host('src-3'), host('dst-1'), host('dst-2')], vms: [vm('vm-1', 'src-1'), vm('vm-2', 'src-2'), vm('vm-3', 'src-3')], migrations: [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s' }] });
    expect(planShards(scenario, ['source-0', 'source-1'], ['destination-0', 'destination-1'])).toEqual([
      { id: 'source-0', hosts: ['src-1', 'src-3'] },
      { id: 'source-1', hosts: ['src-2'] },
      { id: 'destination-0', hosts: ['dst-1'] },
      { id: 'destination-1', hosts: ['dst-2'] },
    ]);
  });

  it('a shard without hosts takes no part in a run: no open, no done, no facts; the report is still the engine\'s', () => {
    const text = JSON.stringify(patchDocument(twoDrains));
    const scenario = scenarioFrom(twoDrains, 'two-drains.json');
    const shards = planShards(scenario, ['source-0', 'source-1'], ['destination-0']);
    const opens = new CoordinatorRuntime('run', new RunWorlds(text, 'two-drains.json', scenario.seed, shards)).begin();
    expect(opens.messages.map((open) => open.shard)).toEqual(['source-0', 'source-1']);
    const { report } = runWindowsInProcess(text, 'two-drains.json', scenario.seed, shards);
    const comparable = (json: string) => JSON.stringify({ ...JSON.parse(json), engine: undefined, execution: undefined });
    expect(comparable(renderJson(report))).toBe(comparable(renderJson(simulate(scenario, { scenarioFile: 'two-drains.json' }))));
  });
});
