import { describe, expect, it } from 'vitest';
import type { MigrationAction } from './actions';
import { runMigration } from './driver/run-migration';
import { PAGE_SIZE_BYTES } from './qemu-constants';
import type { QueryMigrateInfo } from './query-migrate';
import { GiB, MiB, migrationTestbed } from './testing';

const B = 128 * MiB;
const NS = 1e9;

describe('query-migrate at any moment', () => {
  it('the remaining-bytes shortcut a watchdog polls always equals query-migrate\'s ram.remaining', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: 256 * MiB, workload: { pattern: 'uniform', dirtyRateBytesPerSec: 16 * MiB, writeWorkingSetBytes: 64 * MiB } });
    expect(machine.ramRemainingBytes!()).toBe(machine.info().ram.remaining);
    const remaining = new Set<number>();
    runMigration({
      machine,
      guest,
      link: { bytesPerSec: B },
      onAction: () => {
        expect(machine.ramRemainingBytes!()).toBe(machine.info().ram.remaining);
        remaining.add(machine.ramRemainingBytes!());
      },
    });
    expect(machine.ramRemainingBytes!()).toBe(0);
    expect(remaining.size).toBeGreaterThan(2);
  });

  it('has QEMU\'s shape in every state: setup, active (expected-downtime), completed (downtime), failed (error-desc)', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: 256 * MiB, workload: { pattern: 'uniform', dirtyRateBytesPerSec: 16 * MiB, writeWorkingSetBytes: 64 * MiB } });
    expect(machine.info()).toMatchObject({ status: 'none', 'total-time': 0, ram: { transferred: 0, total: 256 * MiB } });
    const seen: Record<string, QueryMigrateInfo> = {};
    const result = runMigration({
      machine,
      guest,
      link: { bytesPerSec: B },
      onAction: (action) => {
        if (action.type === 'phase-changed' && seen[action.status] === undefined) seen[action.status] = machine.info();
      },
    });
    expect(seen.setup).toMatchObject({ status: 'setup', 'expected-downtime': 300 });
    expect(seen.active!.status).toBe('active');
    expect(seen.active!.downtime).toBeUndefined();
    expect(seen.active!['expected-downtime']).toBeTypeOf('number');
    const done = result.info;
    expect(done.status).toBe('completed');
    expect(done['expected-downtime']).toBeUndefined();
    expect(done.downtime).toBeGreaterThan(0);
    expect(done.ram.remaining).toBe(0);
    expect(done.ram['page-size']).toBe(PAGE_SIZE_BYTES);
    expect(done.ram['normal-bytes']).toBe(done.ram.normal * PAGE_SIZE_BYTES);
    expect(done.ram['precopy-bytes'] + done.ram['downtime-bytes'] + done.ram['postcopy-bytes']).toBe(done.ram.transferred);
    // migration_completion_end: mbps over total-time minus setup-time.
    expect(done.ram.mbps).toBeCloseTo((done.ram.transferred * 8) / ((result.endNs - result.phases[1]!.atNs) / 1e6) / 1000, 0);
    expect(done['total-time']).toBe(Math.round(result.endNs / 1e6));
  });

  it('a failed migration keeps its counters and says why in error-desc', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: 256 * MiB, workload: { dirtyRateBytesPerSec: 0 } });
    const result = runMigration({
      machine,
      guest,
      link: { bytesPerSec: B },
      schedule: [{ when: { atNs: NS }, command: { type: 'fault', fault: { kind: 'connection-lost', reason: 'Unable to write to socket: Broken pipe' } } }],
    });
    expect(result.info).toMatchObject({ status: 'failed', 'error-desc': 'Unable to write to socket: Broken pipe', 'total-time': 1000 });
    expect(result.info.ram.transferred).toBeGreaterThan(0);
    expect(result.info.ram.remaining).toBeGreaterThan(0);
  });
});

describe('the machine is sans-IO', () => {
  it('every action is plain data: it survives a JSON round trip unchanged (the distributed driver queues them)', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: 128 * MiB, workload: { pattern: 'uniform', dirtyRateBytesPerSec: 16 * MiB, writeWorkingSetBytes: 32 * MiB } });
    const actions: MigrationAction[] = [];
    runMigration({ machine, guest, link: { bytesPerSec: B }, onAction: (a) => actions.push(a) });
    expect(actions.length).toBeGreaterThan(10);
    for (const action of actions) expect(JSON.parse(JSON.stringify(action))).toEqual(action);
  });

  it('refuses events that make no sense now, and time that goes backwards', () => {
    const { machine } = migrationTestbed({ memoryBytes: 64 * MiB });
    expect(machine.handle({ type: 'cancel', atNs: 0 })).toEqual([{ type: 'event-rejected', atNs: 0, event: 'cancel', reason: 'the migration has not started' }]);
    machine.handle({ type: 'start', atNs: 10 });
    expect(machine.handle({ type: 'start-postcopy', atNs: 10 })).toEqual([
      { type: 'event-rejected', atNs: 10, event: 'start-postcopy', reason: 'Enable postcopy with migrate_set_capability before the start of migration' },
    ]);
    expect(() => machine.handle({ type: 'tick', atNs: 5 })).toThrow(/before the previous event/);
  });

  it('migrate-set-parameters while running: halving max-bandwidth halves the rate from then on', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: GiB, workload: { dirtyRateBytesPerSec: 0 } });
    const transferredAt = new Map<number, number>();
    runMigration({
      machine,
      guest,
      link: { bytesPerSec: 10 * B },
      schedule: [{ when: { atNs: 2 * NS }, command: { type: 'set-parameters', params: { 'max-bandwidth': B / 2 } } }],
      onGuestStep: (t) => transferredAt.set(t / NS, machine.info().ram.transferred),
    });
    // Rates over whole 100 ms windows (tolerance: one page over budget per window, 0.1 %).
    const rate = (from: number, to: number) => (transferredAt.get(to)! - transferredAt.get(from)!) / (to - from);
    expect(rate(1, 2) / B).toBeCloseTo(1, 2);
    expect(rate(3, 10) / (B / 2)).toBeCloseTo(1, 2);
  });
});

describe('QEMU post-copy', () => {
  it('switches only once the must-precopy part (device state) fits the threshold; remote faults are requested and served; memory checks out', () => {
    const { guest, machine } = migrationTestbed({
      memoryBytes: 512 * MiB,
      workload: { pattern: 'uniform', dirtyRateBytesPerSec: 64 * MiB, writeWorkingSetBytes: 256 * MiB, vcpus: 2 },
      params: { capabilities: { 'postcopy-ram': true }, model: { deviceStateBytes: 64 * MiB } },
    });
    const result = runMigration({
      machine,
      guest,
      link: { bytesPerSec: B, latencyNs: 2_000_000 },
      schedule: [
        { when: { atNs: NS }, command: { type: 'start-postcopy' } },
        // 64 MiB of device state > 300 ms x 128 MiB/s (38.4 MiB): no switch until downtime-limit allows 64 MiB.
        { when: { atNs: 3 * NS }, command: { type: 'set-parameters', params: { 'downtime-limit': 600 } } },
      ],
    });
    const switchAt = result.phases.find((p) => p.phase === 'postcopy')!.atNs;
    expect(switchAt).toBeGreaterThanOrEqual(3 * NS);
    expect(switchAt).toBeLessThan(3.2 * NS);
    expect(result.status).toBe('completed');
    expect(result.verification).toMatchObject({ verified: true, mode: 'postcopy-end' });
    expect(result.remoteFaultPages).toBeGreaterThan(0);
    expect(result.info.ram['postcopy-requests']).toBeGreaterThan(0);
    expect(result.info.ram['postcopy-bytes']).toBeGreaterThan(0);
    // Downtime: the 64 MiB package at the link rate (0.5 s) plus a round trip to start the VM (4 ms).
    expect(result.info.downtime).toBeGreaterThanOrEqual(504);
    expect(result.info.downtime).toBeLessThanOrEqual(510);
  });
});
