import { loadScenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { newRunRecord, phaseIntervals } from './migration-state';
import { RunDriver } from './run-driver';
import type { RunRecord } from './run-record';

const SCENARIO = loadScenario(
  `name: unit
horizon: 100s
policy: { parallelMigrationsPerCluster: 1 }
hosts:
  - { name: src-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
  - { name: dst-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
vms:
  - { name: vm-1, host: src-1, memory: 1GiB, vcpus: 1, workload: { pattern: uniform, dirtyRate: 1MB/s } }
  - { name: vm-2, host: src-1, memory: 1GiB, vcpus: 1, workload: { pattern: uniform, dirtyRate: 1MB/s } }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 5s }
  - { id: m2, vm: vm-2, to: dst-1, at: 5s }
faults:
  - { kind: destination-crash, host: dst-1, when: { migration: m1, phase: round, round: 2 } }
`,
  'unit.yaml',
);

function driver() {
  const commands: { host: string; kind: string; body: Record<string, unknown>; key: string }[] = [];
  const record: RunRecord = newRunRecord({ id: 'r1', scenarioText: '', fileName: 'unit.yaml', epochMs: 0, speed: 1, createdAtMs: 0 }, SCENARIO);
  const run = new RunDriver(record, SCENARIO, {
    command: (host, kind, body, key) => commands.push({ host, kind, body: body as Record<string, unknown>, key: `${key.migration}~${key.attempt}~${key.seq}` }),
    publish: () => {},
  });
  return { run, record, commands };
}

describe('controller: run driver', () => {
  it('creates the VMs at once and starts migrations at their time, one at a time under a cluster cap of 1', () => {
    const { run, commands } = driver();
    run.tick(0, 0, new Set());
    expect(commands.map((command) => command.kind)).toEqual(['vm.create', 'vm.create']);
    run.tick(4.9e9, 0, new Set());
    expect(commands.filter((command) => command.kind === 'migration.start')).toHaveLength(0);
    run.tick(5e9, 0, new Set());
    run.tick(6e9, 0, new Set());
    const starts = commands.filter((command) => command.kind === 'migration.start');
    expect(starts.map((command) => command.body.migration)).toEqual(['m1']);
    expect(starts[0]!.key).toBe('default/m1~1~1');
  });

  it('fires a phase-triggered destination crash: the source gets the fault, the destination drops its half', () => {
    const { run, record, commands } = driver();
    run.tick(5e9, 0, new Set());
    run.onEvent('src-1', 'migration.phase', { variant: 'default', migration: 'm1', attempt: 1, phase: 'round', round: 1, atNs: 5e9, info: { status: 'active' } });
    expect(commands.some((command) => command.kind === 'migration.fault')).toBe(false);
    run.onEvent('src-1', 'migration.phase', { variant: 'default', migration: 'm1', attempt: 1, phase: 'round', round: 2, atNs: 20e9, info: { status: 'active' } });
    const fault = commands.find((command) => command.kind === 'migration.fault')!;
    expect(fault.host).toBe('src-1');
    expect(fault.body).toMatchObject({ migration: 'm1', attempt: 1, kind: 'destination-crash' });
    expect(commands.find((command) => command.kind === 'migration.drop')?.host).toBe('dst-1');
    expect(record.variants[0]!.faultsFired).toEqual([0]);
  });

  it('declares the attempt failed towards the source when the destination process stops answering', () => {
    const { run, commands } = driver();
    run.tick(5e9, 0, new Set());
    run.tick(6e9, 0, new Set(['dst-1']));
    run.tick(7e9, 0, new Set(['dst-1']));
    const faults = commands.filter((command) => command.kind === 'migration.fault');
    expect(faults).toHaveLength(1);
    expect(String(faults[0]!.body.reason)).toMatch(/dst-1 stopped answering/);
  });

  it('ends the attempt with the VM lost when the source process stops answering', () => {
    const { run, record, commands } = driver();
    run.tick(5e9, 0, new Set());
    run.tick(6e9, 0, new Set(['src-1']));
    const migration = record.variants[0]!.migrations[0]!;
    expect(migration).toMatchObject({ status: 'done', outcome: 'failed', vmLost: true, dirtyLoggingOffAfterFailure: null });
    expect(commands.some((command) => command.kind === 'migration.fault')).toBe(false);
    expect(record.variants[0]!.events.some((event) => event.kind === 'migration-failed' && /src-1 stopped answering/.test(event.detail))).toBe(true);
    // m2 (also from src-1) does not start while its host is down.
    expect(commands.filter((command) => command.kind === 'migration.start').map((command) => command.body.migration)).toEqual(['m1']);
  });

  it('turns phase marks into report intervals that end where the next begins', () => {
    expect(phaseIntervals([{ phase: 'setup', round: null, atNs: 1e9 }, { phase: 'round', round: 1, atNs: 2e9 }, { phase: 'failed', round: null, atNs: 3e9 }], 3e9)).toEqual([
      { phase: 'setup', round: null, startMs: 1000, endMs: 2000 },
      { phase: 'round', round: 1, startMs: 2000, endMs: 3000 },
    ]);
  });
});

describe('controller: run driver watchdog', () => {
  it('aborts a migration whose remaining bytes stop shrinking for longer than the progress timeout', () => {
    const { run, record, commands } = driver();
    run.tick(5e9, 0, new Set());
    const info = (remaining: number) => ({ status: 'active', ram: { remaining } });
    run.onEvent('src-1', 'migration.progress', { variant: 'default', migration: 'm1', attempt: 1, atNs: 10e9, remainingBytes: 5e8, info: info(5e8) });
    run.onEvent('src-1', 'migration.progress', { variant: 'default', migration: 'm1', attempt: 1, atNs: 100e9, remainingBytes: 5e8, info: info(5e8) });
    expect(commands.some((command) => command.kind === 'migration.cancel')).toBe(false);
    run.onEvent('src-1', 'migration.progress', { variant: 'default', migration: 'm1', attempt: 1, atNs: 170e9, remainingBytes: 6e8, info: info(6e8) });
    expect(commands.find((command) => command.kind === 'migration.cancel')?.body).toMatchObject({ migration: 'm1', attempt: 1 });
    expect(record.variants[0]!.migrations[0]!.abortReason).toMatch(/stuck for 160 sec/);
  });
});

describe('controller: run driver retries', () => {
  it('retries a failed attempt after the policy backoff, under a new attempt number', () => {
    const scenario = loadScenario(
      `name: retry
horizon: 300s
policy: { retries: { max: 1, backoff: 10s } }
hosts:
  - { name: src-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
  - { name: dst-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
vms:
  - { name: vm-1, host: src-1, memory: 1GiB, vcpus: 1, workload: { pattern: uniform, dirtyRate: 1MB/s } }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 5s }
`,
      'retry.yaml',
    );
    const commands: { kind: string; body: Record<string, unknown> }[] = [];
    const record = newRunRecord({ id: 'r2', scenarioText: '', fileName: 'retry.yaml', epochMs: 0, speed: 1, createdAtMs: 0 }, scenario);
    const run = new RunDriver(record, scenario, { command: (_host, kind, body) => commands.push({ kind, body: body as Record<string, unknown> }), publish: () => {} });
    run.tick(5e9, 0, new Set());
    const ended = (attempt: number, atNs: number) => ({ variant: 'default', migration: 'm1', attempt, outcome: 'failed', atNs, info: { status: 'failed' }, phases: [], reason: 'boom', verification: null, vmOutcome: 'running-on-source', dirtyLoggingOff: true });
    run.onEvent('src-1', 'migration.ended', ended(1, 20e9));
    const migration = record.variants[0]!.migrations[0]!;
    expect(migration.status).toBe('retry-wait');
    run.tick(29e9, 0, new Set());
    expect(commands.filter((command) => command.kind === 'migration.start')).toHaveLength(1);
    run.tick(30e9, 0, new Set());
    const starts = commands.filter((command) => command.kind === 'migration.start');
    expect(starts.map((command) => command.body.attempt)).toEqual([1, 2]);
    run.onEvent('src-1', 'migration.ended', ended(2, 40e9));
    expect(migration.status).toBe('done');
    expect(migration.outcome).toBe('failed');
    expect(migration.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'failed']);
  });
});

describe('controller: a VM migrated twice', () => {
  const scenario = loadScenario(
    `name: twice
horizon: 200s
hosts:
  - { name: src-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
  - { name: dst-1, link: 1Gbps, memory: 64GiB, vcpus: 8 }
  - { name: dst-2, link: 1Gbps, memory: 64GiB, vcpus: 8 }
vms:
  - { name: vm-1, host: src-1, memory: 1GiB, vcpus: 1, workload: { pattern: uniform, dirtyRate: 1MB/s } }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 5s }
  - { id: m2, vm: vm-1, to: dst-2, at: 10s }
`,
    'twice.yaml',
  );

  it('starts the second only once the first ended, from the host the VM moved to, through the process that holds its model', () => {
    const commands: { host: string; kind: string; body: Record<string, unknown> }[] = [];
    const record = newRunRecord({ id: 'r3', scenarioText: '', fileName: 'twice.yaml', epochMs: 0, speed: 1, createdAtMs: 0 }, scenario);
    const run = new RunDriver(record, scenario, { command: (host, kind, body) => commands.push({ host, kind, body: body as Record<string, unknown> }), publish: () => {} });
    const starts = () => commands.filter((command) => command.kind === 'migration.start');
    run.tick(5e9, 0, new Set());
    run.tick(12e9, 0, new Set());
    // m2 is due, but vm-1 is still migrating: it waits.
    expect(starts().map((command) => command.body.migration)).toEqual(['m1']);
    const verification = { verified: true, sourceDigest: 1, destinationDigest: 1, pagesCompared: 1, mismatchedPages: 0 };
    run.onEvent('src-1', 'migration.ended', { variant: 'default', migration: 'm1', attempt: 1, outcome: 'completed', atNs: 30e9, info: { status: 'completed' }, phases: [], reason: null, verification, vmOutcome: 'moved', dirtyLoggingOff: true });
    run.tick(31e9, 0, new Set());
    expect(starts().map((command) => [command.host, command.body.migration])).toEqual([
      ['src-1', 'm1'],
      ['src-1', 'm2'],
    ]);
    const m2 = record.variants[0]!.migrations.find((migration) => migration.id === 'm2')!;
    expect([m2.source, m2.destination]).toEqual(['dst-1', 'dst-2']);
    expect(record.variants[0]!.events.find((event) => event.kind === 'migration-started' && event.subject === 'm2')!.detail).toBe('attempt 1: VM vm-1 dst-1 -> dst-2');
  });
});
