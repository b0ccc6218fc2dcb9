import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario, type Scenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { newRunRecord } from './migration-state';
import { RunDriver } from './run-driver';
import type { RunRecord } from './run-record';

const EVACUATE = loadScenario(readFileSync(fileURLToPath(new URL('../../../../scenarios/evacuate-host.yaml', import.meta.url)), 'utf8'), 'scenarios/evacuate-host.yaml');

function driver(spec: Scenario) {
  const commands: { host: string; kind: string; body: Record<string, unknown> }[] = [];
  const record: RunRecord = newRunRecord({ id: 'r1', scenarioText: '', fileName: 'plans.yaml', epochMs: 0, speed: 1, createdAtMs: 0 }, spec);
  const run = new RunDriver(record, spec, { command: (host, kind, body) => commands.push({ host, kind, body: body as Record<string, unknown> }), publish: () => {} });
  return { run, record, commands, starts: () => commands.filter((command) => command.kind === 'migration.start').map((command) => command.body) };
}

describe('controller: plans (evacuate-host)', () => {
  it('a drain plan generates one migration per VM of the host, lowest dirty rate first, started under the outbound cap of 2', () => {
    const { run, record, starts } = driver(EVACUATE);
    run.tick(4.9e9, 0, new Set());
    expect(record.variants[0]!.migrations).toHaveLength(0);
    run.tick(5e9, 0, new Set());
    const migrations = record.variants[0]!.migrations;
    expect(migrations).toHaveLength(20);
    expect(migrations.every((migration) => migration.id === `drain-src-1/${migration.vm}` && migration.source === 'src-1')).toBe(true);
    // Web VMs (20 MB/s) before database VMs (80 MB/s); destinations spread by most free memory.
    expect(migrations.slice(0, 12).every((migration) => migration.vm.startsWith('web-'))).toBe(true);
    expect(new Set(migrations.map((migration) => migration.destination))).toEqual(new Set(['dst-1', 'dst-2', 'dst-3', 'dst-4']));
    expect(starts().map((body) => body.migration)).toEqual([migrations[0]!.id, migrations[1]!.id]);
    // Two flows share src-1's 25 Gbps NIC, each under bandwidthPerMigration 1 GiB/s.
    expect(starts().map((body) => body.linkBytesPerSec)).toEqual([2 ** 30, 2 ** 30]);
    expect(record.variants[0]!.events.find((event) => event.kind === 'plan-started')!.detail).toBe('drain src-1: 20 VM(s), order lowest-dirty-rate by configured dirty rate');
  });

  it('a plan that fires again after a controller restart generates nothing twice', () => {
    const first = driver(EVACUATE);
    first.run.tick(5e9, 0, new Set());
    const resumed = new RunDriver(JSON.parse(JSON.stringify(first.record)) as RunRecord, EVACUATE, { command: () => {}, publish: () => {} });
    resumed.tick(6e9, 0, new Set());
    expect(resumed.record.variants[0]!.migrations).toHaveLength(20);
  });
});
