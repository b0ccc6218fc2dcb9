import { loadScenario, type Scenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { newRunRecord } from './migration-state';
import { RunDriver } from './run-driver';
import type { RunRecord } from './run-record';

const GBPS = 125_000_000;

function scenario(faults: string): Scenario {
  return loadScenario(
    `name: network
horizon: 300s
policy: { parallelMigrationsPerCluster: 4, parallelOutboundMigrationsPerNode: 4 }
hosts:
  - { name: src-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
  - { name: dst-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
  - { name: dst-2, link: 1Gbps, memory: 64GiB, vcpus: 8 }
vms:
  - { name: vm-1, host: src-1, memory: 1GiB, vcpus: 1, workload: { pattern: uniform, dirtyRate: 1MB/s } }
  - { name: vm-2, host: src-1, memory: 1GiB, vcpus: 1, workload: { pattern: uniform, dirtyRate: 1MB/s } }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 5s }
  - { id: m2, vm: vm-2, to: dst-2, at: 10s }
${faults}`,
    'network.yaml',
  );
}

function recordOf(spec: Scenario): RunRecord {
  return newRunRecord({ id: 'r1', scenarioText: '', fileName: 'network.yaml', epochMs: 0, speed: 1, createdAtMs: 0 }, spec);
}

function driver(spec: Scenario, record = recordOf(spec)) {
  const commands: { host: string; kind: string; body: Record<string, unknown>; key: string }[] = [];
  const run = new RunDriver(record, spec, {
    command: (host, kind, body, key) => commands.push({ host, kind, body: body as Record<string, unknown>, key: `${key.migration}~${key.attempt}~${key.seq}` }),
    publish: () => {},
  });
  const links = () => commands.filter((command) => command.kind === 'migration.link').map((command) => ({ migration: command.body.migration, bytesPerSec: command.body.bytesPerSec, key: command.key }));
  return { run, record, commands, links };
}

describe('controller: the network of a run (libs/sim LinkModel, link faults)', () => {
  it('starts a migration at its max-min fair share and re-paces the first when a second one shares the source NIC', () => {
    const { run, commands, links } = driver(scenario(''));
    run.tick(5e9, 0, new Set());
    expect(commands.find((command) => command.kind === 'migration.start')!.body).toMatchObject({ migration: 'm1', linkBytesPerSec: GBPS });
    run.tick(10e9, 0, new Set());
    const second = commands.filter((command) => command.kind === 'migration.start')[1]!;
    expect(second.body).toMatchObject({ migration: 'm2', linkBytesPerSec: GBPS / 2 });
    expect(links()).toEqual([{ migration: 'm1', bytesPerSec: GBPS / 2, key: 'default/m1~1~101' }]);
    // m2 ends: m1 gets the whole NIC back.
    run.onEvent('src-1', 'migration.ended', { variant: 'default', migration: 'm2', attempt: 1, outcome: 'completed', atNs: 20e9, info: { status: 'completed' }, phases: [], reason: null, verification: null, vmOutcome: 'moved', dirtyLoggingOff: true, recoveryStrategy: null });
    run.tick(20e9, 0, new Set());
    expect(links().at(-1)).toEqual({ migration: 'm1', bytesPerSec: GBPS, key: 'default/m1~1~102' });
  });

  it('a link-down fault stops the flow for its duration, then gives the rate back', () => {
    const { run, links } = driver(scenario('faults:\n  - { kind: link-down, from: src-1, to: dst-1, at: 7s, duration: 3s }\n'));
    run.tick(5e9, 0, new Set());
    run.tick(7e9, 0, new Set());
    expect(links()).toEqual([{ migration: 'm1', bytesPerSec: 0, key: 'default/m1~1~101' }]);
    run.tick(9.9e9, 0, new Set());
    expect(links()).toHaveLength(1);
    run.tick(10e9, 0, new Set());
    // Back up at 10 s, when m2 starts too: m1 and m2 share the source NIC.
    expect(links().at(-1)).toMatchObject({ migration: 'm1', bytesPerSec: GBPS / 2 });
  });

  it('a bandwidth drop on the destination NIC caps the flow', () => {
    const { run, links } = driver(scenario('faults:\n  - { kind: bandwidth-drop, host: dst-1, bandwidth: 100Mbps, at: 6s }\n'));
    run.tick(5e9, 0, new Set());
    run.tick(6e9, 0, new Set());
    expect(links()).toEqual([{ migration: 'm1', bytesPerSec: 12_500_000, key: 'default/m1~1~101' }]);
  });

  it('a resumed controller replays the fired link faults and re-sends the running flows their rates', () => {
    const spec = scenario('faults:\n  - { kind: bandwidth-drop, host: dst-1, bandwidth: 100Mbps, at: 6s }\n');
    const first = driver(spec);
    first.run.tick(5e9, 0, new Set());
    first.run.tick(6e9, 0, new Set());
    const resumed = driver(spec, JSON.parse(JSON.stringify(first.record)) as RunRecord);
    resumed.run.tick(6.5e9, 0, new Set());
    expect(resumed.links()).toEqual([{ migration: 'm1', bytesPerSec: 12_500_000, key: 'default/m1~1~102' }]);
  });
});
