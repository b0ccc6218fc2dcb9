import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario, type Scenario } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { PROBE_LEAD_NS, PROBE_RESULT_WAIT_NS } from './drain-plans';
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
  /** What the source host reports when a probe ends (HostedVm.finishProbe). */
  const probeEnded = (probe: string, rateBytesPerSec: number) => ({ variant: 'default', vm: probe.split('/').at(-1), tMs: 6000, kind: 'probe-ended', subject: probe, detail: `rate ${rateBytesPerSec}`, rateBytesPerSec });

  it('a drain plan probes every VM of the host first, then generates one migration per VM, lowest measured dirty rate first, started under the outbound cap of 2', () => {
    const { run, record, commands, starts } = driver(EVACUATE);
    run.tick(-5e9, 0, new Set());
    // Sent PROBE_LEAD_NS ahead to src-1, which holds the models: 1 s page-sampling probes from 5 s.
    const probes = commands.filter((command) => command.kind === 'vm.probe');
    expect(probes).toHaveLength(20);
    expect(probes.every((command) => command.host === 'src-1' && command.body.atNs === 5e9 && command.body.durationNs === 1e9 && command.body.mode === 'page-sampling')).toBe(true);
    expect(probes.map((command) => command.body.probe)).toEqual(EVACUATE.variants[0]!.vms.map((vm) => `drain-src-1/probe/${vm.name}`));
    run.tick(5e9, 0, new Set());
    expect(record.variants[0]!.events.find((event) => event.kind === 'plan-started')!.detail).toBe('drain src-1: 20 VM(s), order lowest-dirty-rate');
    expect(record.variants[0]!.migrations).toHaveLength(0);
    // Measured: the database VMs dirty less than configured, the web VMs more.
    for (const command of probes) run.onEvent('src-1', 'vm.event', probeEnded(command.body.probe as string, String(command.body.vm).startsWith('db-') ? 5e6 : 50e6));
    run.tick(5.9e9, 0, new Set());
    expect(record.variants[0]!.migrations).toHaveLength(0);
    run.tick(6e9, 0, new Set());
    const migrations = record.variants[0]!.migrations;
    expect(migrations).toHaveLength(20);
    expect(migrations.every((migration) => migration.id === `drain-src-1/${migration.vm}` && migration.source === 'src-1')).toBe(true);
    expect(migrations.slice(0, 8).every((migration) => migration.vm.startsWith('db-'))).toBe(true);
    expect(new Set(migrations.map((migration) => migration.destination))).toEqual(new Set(['dst-1', 'dst-2', 'dst-3', 'dst-4']));
    expect(starts().map((body) => body.migration)).toEqual([migrations[0]!.id, migrations[1]!.id]);
    // Two flows share src-1's 25 Gbps NIC, each under bandwidthPerMigration 1 GiB/s.
    expect(starts().map((body) => body.linkBytesPerSec)).toEqual([2 ** 30, 2 ** 30]);
  });

  it('a drain plan whose probes never report places the VMs PROBE_RESULT_WAIT_NS later, by the configured rates of the silent ones', () => {
    const { run, record } = driver(EVACUATE);
    run.tick(5e9, 0, new Set());
    run.tick(6e9 + PROBE_RESULT_WAIT_NS - 1, 0, new Set());
    expect(record.variants[0]!.migrations).toHaveLength(0);
    run.tick(6e9 + PROBE_RESULT_WAIT_NS, 0, new Set());
    const migrations = record.variants[0]!.migrations;
    expect(migrations).toHaveLength(20);
    // Web VMs (20 MB/s configured) before database VMs (80 MB/s).
    expect(migrations.slice(0, 12).every((migration) => migration.vm.startsWith('web-'))).toBe(true);
  });

  it('a plan that fires again after a controller restart probes and generates nothing twice', () => {
    const first = driver(EVACUATE);
    first.run.tick(5e9, 0, new Set());
    first.run.tick(16e9, 0, new Set());
    const commands: string[] = [];
    const resumed = new RunDriver(JSON.parse(JSON.stringify(first.record)) as RunRecord, EVACUATE, { command: (_host, kind) => commands.push(kind), publish: () => {} });
    resumed.tick(17e9, 0, new Set());
    expect(resumed.record.variants[0]!.migrations).toHaveLength(20);
    expect(commands.filter((kind) => kind === 'vm.probe')).toEqual([]);
    expect(resumed.record.variants[0]!.events.filter((event) => event.kind === 'plan-started')).toHaveLength(1);
  });
});

const PROBE = loadScenario(readFileSync(fileURLToPath(new URL('../../../../scenarios/dirty-rate-probe.yaml', import.meta.url)), 'utf8'), 'scenarios/dirty-rate-probe.yaml');

describe('controller: dirty-rate probes (dirty-rate-probe)', () => {
  it("sends each variant's probe to the host holding the VM's model PROBE_LEAD_NS ahead, after the VM's creation, once, even after a restart", () => {
    const { run, record, commands } = driver(PROBE);
    const probes = () => commands.filter((command) => command.kind === 'vm.probe');
    const dueNs = PROBE.variants[0]!.probes[0]!.atNs;
    run.tick(dueNs - PROBE_LEAD_NS - 1, 0, new Set());
    expect(probes()).toHaveLength(0);
    expect(commands.filter((command) => command.kind === 'vm.create')).toHaveLength(PROBE.variants.length);
    run.tick(dueNs - PROBE_LEAD_NS, 0, new Set());
    run.tick(dueNs, 0, new Set());
    expect(probes().map((command) => ({ host: command.host, ...command.body }))).toEqual(
      PROBE.variants.map((variant) => ({
        host: 'host-1',
        variant: variant.name,
        vm: 'vm-1',
        probe: variant.probes[0]!.id,
        mode: variant.name === 'page-sampling' ? 'page-sampling' : 'dirty-bitmap',
        atNs: 10e9,
        durationNs: 10e9,
      })),
    );
    const resumed = new RunDriver(JSON.parse(JSON.stringify(record)) as RunRecord, PROBE, { command: (host, kind) => commands.push({ host, kind, body: {} }), publish: () => {} });
    resumed.tick(11e9, 0, new Set());
    expect(probes()).toHaveLength(PROBE.variants.length);
    expect(record.variants.flatMap((variant) => variant.events).filter((event) => event.kind === 'probe-not-modelled')).toEqual([]);
  });
});
