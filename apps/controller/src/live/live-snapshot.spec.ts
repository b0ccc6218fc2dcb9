import type { TimelinePoint } from '@migsim/report';
import { loadScenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { initialMigrations } from '../runs/migration-state';
import { RunDriver } from '../runs/run-driver';
import type { RunRecord } from '../runs/run-record';
import { LiveSamples } from './live-samples';
import { buildLiveSnapshot, SNAPSHOT_EVENTS } from './live-snapshot';

const SCENARIO = loadScenario(
  `name: live
description: two variants, one migration each
horizon: 100s
sampling: { interval: 1s }
hosts:
  - { name: src-1, link: 1Gbps, memory: 64GiB, vcpus: 8, kernel: { recovery: zap-rmap } }
  - { name: dst-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
vms:
  - { name: vm-1, host: src-1, memory: 1GiB, vcpus: 2, workload: { pattern: uniform, dirtyRate: 1MB/s } }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 5s }
faults:
  - { kind: destination-crash, host: dst-1, when: { migration: m1, phase: round, round: 2 } }
variants:
  - { name: none, hosts: { src-1: { kernel: { recovery: none } } } }
  - { name: in-place, description: recover in place, hosts: { src-1: { kernel: { recovery: recover-in-place } } } }
`,
  'live.yaml',
);

const point = (tMs: number, hugeFraction = 1): TimelinePoint => ({ tMs, relativeThroughput: 1, hugeFraction, fraction4k: 1 - hugeFraction, dirtyLogging: false });
const info = (remaining: number, syncs: number) => ({ status: 'active', 'expected-downtime': 120, ram: { remaining, total: 2 ** 30, 'dirty-sync-count': syncs } });

function run() {
  const published: { kind: string; data: Record<string, unknown> }[] = [];
  const record: RunRecord = {
    id: 'r1',
    status: 'running',
    scenarioText: '',
    fileName: 'live.yaml',
    seed: 1,
    epochMs: 1_000,
    speed: 40,
    createdAtMs: 0,
    finishedAtMs: null,
    error: null,
    variants: SCENARIO.variants.map((variant) => ({ name: variant.name, vmsCreated: false, finishSentAtMs: null, done: false, migrations: initialMigrations(variant), faultsFired: [], faultsDue: [], downHosts: [], vmReports: {}, events: [] })),
  };
  const driver = new RunDriver(record, SCENARIO, { command: () => {}, publish: (kind, data) => published.push({ kind, data }) });
  return { driver, record, published };
}

describe('controller: live snapshot', () => {
  it('publishes each migration.progress as migration-progress with its query-migrate info', () => {
    const { driver, published } = run();
    driver.tick(5e9, 0, new Set());
    driver.onEvent('src-1', 'migration.progress', { variant: 'in-place', migration: 'm1', attempt: 1, atNs: 6e9, remainingBytes: 7e8, info: info(7e8, 1) });
    expect(published.filter((event) => event.kind === 'migration-progress')).toEqual([
      { kind: 'migration-progress', data: { run: 'r1', variant: 'in-place', migration: 'm1', attempt: 1, tMs: 6000, info: info(7e8, 1) } },
    ]);
  });

  it('shows hosts as columns, each variant with its colour, the migration in its phase with its last info, a crashed host, and the samples', () => {
    const { driver, record } = run();
    driver.tick(5e9, 0, new Set());
    driver.onEvent('src-1', 'migration.phase', { variant: 'none', migration: 'm1', attempt: 1, phase: 'round', round: 1, atNs: 5e9, info: info(2 ** 30, 1) });
    driver.onEvent('src-1', 'migration.progress', { variant: 'none', migration: 'm1', attempt: 1, atNs: 8e9, remainingBytes: 4e8, info: info(4e8, 1) });
    driver.onEvent('src-1', 'migration.phase', { variant: 'in-place', migration: 'm1', attempt: 1, phase: 'round', round: 2, atNs: 9e9, info: info(1e8, 2) });
    const samples = new LiveSamples();
    samples.add('r1', 'none', 'vm-1', [point(1000), point(2000, 0.5)]);

    const snapshot = buildLiveSnapshot(record, SCENARIO, samples.of('r1'), 9_500);
    expect(snapshot.run).toMatchObject({ id: 'r1', status: 'running', scenario: 'live', speed: 40, simulatedMs: 9_500, horizonMs: 100_000, samplingMs: 1_000 });
    expect(snapshot.hosts).toEqual(['src-1', 'dst-1']);
    const [none, inPlace] = snapshot.variants;
    expect(none!.color).not.toBe(inPlace!.color);
    expect(inPlace!.description).toBe('recover in place');
    expect(none!.hosts).toEqual([
      { name: 'src-1', recovery: 'none', crashed: false },
      { name: 'dst-1', recovery: expect.any(String), crashed: false },
    ]);
    expect(none!.migrations[0]).toMatchObject({ id: 'm1', vm: 'vm-1', source: 'src-1', destination: 'dst-1', status: 'running', attempt: 1, phase: { phase: 'round', round: 1 }, info: info(4e8, 1) });
    expect(none!.samples).toEqual({ 'vm-1': [point(1000), point(2000, 0.5)] });
    expect(inPlace!.samples).toEqual({ 'vm-1': [] });
    // Round 2 of in-place's m1 fired the destination crash in that variant only.
    expect(inPlace!.hosts.find((host) => host.name === 'dst-1')!.crashed).toBe(true);
    expect(inPlace!.events.some((event) => event.kind === 'fault' && event.detail.startsWith('destination-crash'))).toBe(true);
    expect(none!.events.some((event) => event.kind === 'fault')).toBe(false);
    expect(buildLiveSnapshot(record, SCENARIO, null, 9_500).variants[0]!.samples).toBeUndefined();
  });

  it('moves a VM to its destination once a migration of it completed, keeps the newest events, and prefers the report timeline', () => {
    const { driver, record } = run();
    driver.tick(5e9, 0, new Set());
    const ended = { variant: 'none', migration: 'm1', attempt: 1, outcome: 'completed', atNs: 30e9, info: info(0, 4), phases: [], reason: null, verification: null, vmOutcome: 'moved', dirtyLoggingOff: true };
    driver.onEvent('src-1', 'migration.ended', ended);
    for (let index = 0; index < SNAPSHOT_EVENTS + 5; index += 1) driver.onEvent('dst-1', 'vm.event', { variant: 'none', tMs: 31_000 + index, kind: 'note', subject: 'vm-1', detail: `n${index}` });
    const timeline = [point(1000), point(2000), point(3000)];
    record.variants[0]!.vmReports['vm-1'] = { report: { name: 'vm-1', host: 'dst-1', memoryBytes: 2 ** 30, vcpus: 2, timeline, recoveries: [] }, levels: [], dirtyLogging: false, lost: false };
    const samples = new LiveSamples();
    samples.add('r1', 'none', 'vm-1', [point(1000)]);

    const none = buildLiveSnapshot(record, SCENARIO, samples.of('r1'), 200_000).variants[0]!;
    expect(none.vms).toEqual([{ name: 'vm-1', host: 'dst-1', memoryBytes: 2 ** 30, vcpus: 2, lost: false }]);
    expect(none.events).toHaveLength(SNAPSHOT_EVENTS);
    expect(none.events.at(-1)!.detail).toBe(`n${SNAPSHOT_EVENTS + 4}`);
    expect(none.samples).toEqual({ 'vm-1': timeline });
    expect(buildLiveSnapshot(record, SCENARIO, null, 200_000).run.simulatedMs).toBe(100_000);
  });
});

describe('controller: live samples', () => {
  it('appends only newer points (a redelivered batch adds nothing), bounds points per VM and the runs kept', () => {
    const samples = new LiveSamples(2, 3);
    expect(samples.add('a', 'v', 'vm-1', [point(1000), point(2000)])).toHaveLength(2);
    expect(samples.add('a', 'v', 'vm-1', [point(1000), point(2000)])).toEqual([]);
    samples.add('a', 'v', 'vm-1', [point(2000), point(3000), point(4000)]);
    expect(samples.of('a').get('v/vm-1')!.map((p) => p.tMs)).toEqual([2000, 3000, 4000]);
    samples.add('b', 'v', 'vm-1', [point(1000)]);
    samples.add('c', 'v', 'vm-1', [point(1000)]);
    expect(samples.of('a').size).toBe(0);
    expect(samples.of('b').get('v/vm-1')).toHaveLength(1);
    expect(samples.of('c').get('v/vm-1')).toHaveLength(1);
  });
});
