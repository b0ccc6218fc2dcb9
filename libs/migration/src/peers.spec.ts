import { describe, expect, it } from 'vitest';
import type { MigrationAction } from './actions';
import { runMigration } from './driver/run-migration';
import { NORMAL_PAGE_WIRE_BYTES, PAGE_SIZE_BYTES } from './qemu-constants';
import { GiB, MiB, migrationTestbed, roundBytes } from './testing';

const B = 128 * MiB;
const NS = 1e9;
const PAGES_2G = (2 * GiB) / PAGE_SIZE_BYTES;

function xen(workload: Parameters<typeof migrationTestbed>[0]['workload']) {
  const { guest, machine } = migrationTestbed({ memoryBytes: 2 * GiB, workload, params: { algorithm: 'xen' } });
  const result = runMigration({ machine, guest, link: { bytesPerSec: B } });
  const pagesPerRound = roundBytes(result).map((r) => r.bytes / NORMAL_PAGE_WIRE_BYTES);
  return { result, pagesPerRound };
}

describe('Xen peer (xc_domain_save.c)', () => {
  it('stops after 29 iterations when each iteration keeps finding the same 64 MiB dirty: the 30th is the last', () => {
    const { result, pagesPerRound } = xen({ pattern: 'sequential', dirtyRateBytesPerSec: B, workingSetBytes: 64 * MiB, writeWorkingSetBytes: 64 * MiB });
    expect(result.status).toBe('completed');
    expect(pagesPerRound).toHaveLength(29);
    expect(pagesPerRound[0]).toBe(PAGES_2G);
    // Each later iteration resends (about) the 16384 pages of the write set: never < 50, never 3x memory.
    for (const pages of pagesPerRound.slice(1)) expect(Math.abs(pages - 16384)).toBeLessThanOrEqual(16);
    expect(result.phases.filter((p) => p.phase === 'stop-and-copy')).toHaveLength(1);
    // 28 cleans between iterations, one before the last.
    expect(result.info.ram['dirty-sync-count']).toBe(29);
    // The last iteration sends the 64 MiB write set with the domain suspended: 0.5 s at the link rate.
    expect(result.info.downtime).toBeGreaterThanOrEqual(500);
    expect(result.info.downtime).toBeLessThanOrEqual(525);
    expect(result.verification?.verified).toBe(true);
  });

  it('stops once more than 3x the memory was sent, even with a huge downtime (a writer at twice the link rate)', () => {
    const { result, pagesPerRound } = xen({ pattern: 'sequential', dirtyRateBytesPerSec: 2 * B, workingSetBytes: GiB, writeWorkingSetBytes: GiB });
    expect(pagesPerRound).toEqual([PAGES_2G, PAGES_2G / 2, PAGES_2G / 2, PAGES_2G / 2, PAGES_2G / 2, PAGES_2G / 2]);
    const sent = (n: number) => pagesPerRound.slice(0, n).reduce((a, b) => a + b, 0);
    expect(sent(5)).toBeLessThanOrEqual(3 * PAGES_2G);
    expect(sent(6)).toBeGreaterThan(3 * PAGES_2G);
    // The whole 1 GiB write set goes in the last iteration: 8 s of downtime.
    expect(result.info.downtime! / 1000).toBeCloseTo(8, 1);
  });

  it('stops after an iteration that sent fewer than 50 pages', () => {
    const { result, pagesPerRound } = xen({ pattern: 'sequential', dirtyRateBytesPerSec: 0.2 * B, workingSetBytes: GiB, writeWorkingSetBytes: GiB });
    expect(pagesPerRound.at(-1)!).toBeLessThan(50);
    for (const pages of pagesPerRound.slice(0, -1)) expect(pages).toBeGreaterThanOrEqual(50);
    expect(result.info.downtime).toBeLessThan(50);
    expect(result.verification?.verified).toBe(true);
  });
});

describe('SimGrid peer (VmLiveMigration.cpp, fluid model)', () => {
  it('with no dirtying it is stage 1 only: RAM / mig_speed, no page headers, almost no downtime', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: GiB, workload: { dirtyRateBytesPerSec: 0 }, params: { algorithm: 'simgrid' } });
    const result = runMigration({ machine, guest, link: { bytesPerSec: B } });
    expect(result.status).toBe('completed');
    expect(result.info.ram.transferred).toBe(GiB);
    // Tolerance: the rate window lets one 4 MiB chunk start early per 100 ms window; at most one window.
    expect(Math.abs(result.endNs - 8 * NS)).toBeLessThanOrEqual(0.1 * NS);
    expect(result.phases.map((p) => p.phase)).toEqual(['setup', 'round', 'stop-and-copy', 'completed']);
    expect(result.verification).toMatchObject({ verified: null, mode: 'fluid' });
  });

  it('stage 2 resends every byte the guest wrote (repeats included, capped at 90 % of RAM) until it fits 30 ms of bandwidth', () => {
    // A hot-cold writer rewrites the same pages: QEMU resends only distinct dirty pages, SimGrid the bytes written.
    const workload = { pattern: 'hot-cold' as const, dirtyRateBytesPerSec: 0.3 * B, workingSetBytes: GiB, writeWorkingSetBytes: 64 * MiB };
    const simgrid = migrationTestbed({ memoryBytes: GiB, workload, params: { algorithm: 'simgrid' } });
    const simgridRun = runMigration({ machine: simgrid.machine, guest: simgrid.guest, link: { bytesPerSec: B } });
    const rounds = roundBytes(simgridRun);
    // Stage 2's first transfer is what was written during stage 1 (8 s at 0.3 B = 2.4 x 128 MiB), within one guest step.
    expect(Math.abs(rounds[1]!.bytes - 0.3 * B * 8)).toBeLessThanOrEqual(0.3 * B * 0.1 + PAGE_SIZE_BYTES);
    // Each transfer is 0.3 of the previous one (what was written while it ran).
    for (let k = 2; k < rounds.length; k++) expect(rounds[k]!.bytes / rounds[k - 1]!.bytes).toBeCloseTo(0.3, 1);
    // Stage 3 starts once the remainder fits bandwidth x 30 ms.
    expect(simgridRun.info.ram['downtime-bytes']).toBeLessThanOrEqual(B * 0.03);
    expect(simgridRun.info.downtime).toBeLessThanOrEqual(31);

    // In all: RAM x (1 + 0.3 + 0.09 + ...) = RAM / 0.7 (2 % tolerance: the guest's 100 ms steps and the last transfers).
    expect(Math.abs(simgridRun.info.ram.transferred / (GiB / 0.7) - 1)).toBeLessThan(0.02);

    const qemu = migrationTestbed({ memoryBytes: GiB, workload });
    const qemuRun = runMigration({ machine: qemu.machine, guest: qemu.guest, link: { bytesPerSec: B } });
    expect(qemuRun.info.ram.transferred).toBeLessThan(simgridRun.info.ram.transferred * 0.8);
  });
});

describe('CloudSim peer (fixed delay)', () => {
  it('takes RAM / (bandwidth / 2) whatever the guest does, with a 10 % CPU overhead meanwhile and no downtime', () => {
    const { guest, machine } = migrationTestbed({
      memoryBytes: GiB,
      workload: { pattern: 'uniform', dirtyRateBytesPerSec: 2 * B, workingSetBytes: GiB, writeWorkingSetBytes: GiB },
      params: { algorithm: 'cloudsim' },
    });
    const actions: MigrationAction[] = [];
    const result = runMigration({ machine, guest, link: { bytesPerSec: B }, onAction: (a) => actions.push(a) });
    expect(result.status).toBe('completed');
    expect(result.endNs).toBe(16 * NS);
    expect(result.info.downtime).toBe(0);
    const throttles = actions.flatMap((a) => (a.type === 'set-throttle' ? [[a.percent, a.reason]] : []));
    expect(throttles).toEqual([
      [10, 'migration-overhead'],
      [0, 'migration-overhead'],
    ]);
    // The overhead is not auto-converge: query-migrate shows no cpu-throttle-percentage.
    expect(result.info['cpu-throttle-percentage']).toBeUndefined();
    expect(result.meanRelativeThroughput).toBeLessThanOrEqual(0.9 + 1e-9);
  });
});

describe('every algorithm shares the source\'s failure path', () => {
  for (const algorithm of ['qemu-precopy', 'xen', 'simgrid', 'cloudsim'] as const) {
    it(`${algorithm}: a destination crash mid-migration leaves the VM running on the source with dirty logging off`, () => {
      const { guest, machine, mmu } = migrationTestbed({
        memoryBytes: 256 * MiB,
        memslots: 2,
        workload: { pattern: 'uniform', dirtyRateBytesPerSec: 16 * MiB, writeWorkingSetBytes: 64 * MiB },
        params: { algorithm },
      });
      const result = runMigration({
        machine,
        guest,
        link: { bytesPerSec: B },
        schedule: [{ when: { atNs: 1 * NS }, command: { type: 'fault', fault: { kind: 'destination-crash' } } }],
      });
      expect(result.status).toBe('failed');
      expect(result.recovery).toMatchObject({ vmOutcome: 'running-on-source', strategy: mmu.profile.recovery });
      expect(mmu.memslots().map((slot) => mmu.isDirtyLogging(slot.id))).toEqual([false, false]);
      expect(result.destination?.state()).toBe('dropped');
    });
  }
});
