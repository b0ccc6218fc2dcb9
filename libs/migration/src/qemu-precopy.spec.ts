import { describe, expect, it } from 'vitest';
import type { QueryMigrateInfo } from './query-migrate';
import { runMigration } from './driver/run-migration';
import { NORMAL_PAGE_WIRE_BYTES, PAGE_SIZE_BYTES, ZERO_PAGE_WIRE_BYTES } from './qemu-constants';
import { GiB, MiB, migrationTestbed, roundBytes } from './testing';

const B = 128 * MiB; // QEMU's default max-bandwidth, and the link rate below
const WINDOW_BYTES = B / 10; // one 100 ms rate window
const STEP_NS = 100_000_000; // the reference driver's default guest step
const NS = 1e9;

describe('QEMU pre-copy, closed forms', () => {
  it('with no dirtying the migration takes memory / bandwidth (every page once, 4104 bytes each)', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: GiB, workload: { dirtyRateBytesPerSec: 0 } });
    const result = runMigration({ machine, guest, link: { bytesPerSec: B } });
    const pages = GiB / PAGE_SIZE_BYTES;
    const wireBytes = pages * NORMAL_PAGE_WIRE_BYTES;
    expect(result.status).toBe('completed');
    expect(result.info.ram.transferred).toBe(wireBytes);
    expect(result.info.ram.normal).toBe(pages);
    // Setup sync, the sync once remaining < threshold, and the last one in stop-and-copy.
    expect(result.info.ram['dirty-sync-count']).toBe(3);
    const setupNs = result.phases.find((p) => p.phase === 'round')!.atNs;
    // Tolerance: the window lets at most one page over its budget per 100 ms window (4104 B at B, 31 us),
    // over the 81 windows of an 8 s transfer: 2.5 ms.
    const windows = Math.ceil(wireBytes / WINDOW_BYTES);
    expect(Math.abs(result.endNs - setupNs - (wireBytes / B) * NS)).toBeLessThanOrEqual((windows * NORMAL_PAGE_WIRE_BYTES * NS) / B);
    expect(result.endNs / NS).toBeCloseTo(8.0156, 2);
    // What is left at the switch fits the 300 ms budget and goes out at the link rate.
    expect(result.info.downtime).toBeLessThanOrEqual(300);
    expect(Math.abs(result.info.downtime! - (result.info.ram['downtime-bytes'] / B) * 1000)).toBeLessThanOrEqual(1);
    expect(result.verification?.verified).toBe(true);
  });

  it('a link slower than max-bandwidth paces the copy through the socket: memory / link rate', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: GiB, workload: { dirtyRateBytesPerSec: 0 } });
    const link = 40 * MiB;
    const result = runMigration({ machine, guest, link: { bytesPerSec: link } });
    const wireBytes = (GiB / PAGE_SIZE_BYTES) * NORMAL_PAGE_WIRE_BYTES;
    // Tolerance 1 ms: the link is never idle, only the ms rounding of `total-time` remains.
    expect(Math.abs(result.endNs - (wireBytes / link) * NS)).toBeLessThanOrEqual(1e6);
    expect(result.info['total-time']).toBe(Math.round((wireBytes / link) * 1000));
  });

  it('zero pages cost 9 bytes on the wire: the never-written zero share of RAM', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: 256 * MiB, workload: { dirtyRateBytesPerSec: 0 }, params: { model: { zeroPageFraction: 0.25 } } });
    const result = runMigration({ machine, guest, link: { bytesPerSec: B } });
    const pages = (256 * MiB) / PAGE_SIZE_BYTES;
    expect(result.info.ram.duplicate).toBe(pages / 4);
    expect(result.info.ram.normal).toBe((pages * 3) / 4);
    expect(result.info.ram.transferred).toBe((pages / 4) * ZERO_PAGE_WIRE_BYTES + ((pages * 3) / 4) * NORMAL_PAGE_WIRE_BYTES);
  });

  it('a sequential writer at 20 % of the link: rounds shrink by 0.2 each, and rounds, bytes and downtime follow', () => {
    const memory = 4 * GiB;
    const ratio = 0.2;
    const { guest, machine } = migrationTestbed({
      memoryBytes: memory,
      workload: { pattern: 'sequential', dirtyRateBytesPerSec: ratio * B, workingSetBytes: memory, writeWorkingSetBytes: memory },
    });
    const result = runMigration({ machine, guest, link: { bytesPerSec: B } });
    expect(result.status).toBe('completed');
    expect(result.verification?.verified).toBe(true);
    const rounds = roundBytes(result);
    const memoryWire = (memory / PAGE_SIZE_BYTES) * NORMAL_PAGE_WIRE_BYTES;
    // A round lasts S/B; the writer dirties ratio x B distinct pages per second of it, sent at 4104/4096 bytes each.
    const perRound = (ratio * NORMAL_PAGE_WIRE_BYTES) / PAGE_SIZE_BYTES;
    // Tolerance of each round: QEMU syncs as soon as remaining < threshold, checked after each
    // ram_save_iterate (one rate window of bytes), so a round's end moves by up to one window;
    // the guest's writes land in 100 ms steps (ratio x B x 0.1 s); plus one page.
    const slack = WINDOW_BYTES + (ratio * B * STEP_NS) / NS + NORMAL_PAGE_WIRE_BYTES;
    expect(Math.abs(rounds[0]!.bytes - memoryWire)).toBeLessThanOrEqual(slack + 300 * (B / 1000));
    for (let k = 1; k < rounds.length; k++) {
      expect(Math.abs(rounds[k]!.bytes - perRound * rounds[k - 1]!.bytes)).toBeLessThanOrEqual(slack);
    }
    // Switchover: pending after a sync must fit the threshold, which a sync taken just under the
    // threshold only allows once a round's dirtying fits in its margin (< one window). So it comes at
    // the sync after the first round smaller than a window, or one sync later.
    const firstSmallRound = 1 + Math.ceil(Math.log(WINDOW_BYTES / memoryWire) / Math.log(perRound));
    expect(firstSmallRound).toBe(5);
    expect(rounds.length).toBeGreaterThanOrEqual(firstSmallRound + 1);
    expect(rounds.length).toBeLessThanOrEqual(firstSmallRound + 2);
    expect(rounds.map((r) => Math.round(r.bytes / MiB))).toEqual([4071, 819, 162, 30, 8, 0]);
    // Bytes: the geometric series memory / (1 - 0.2), within the per-round slack.
    const series = memoryWire / (1 - perRound);
    expect(Math.abs(result.info.ram.transferred - series)).toBeLessThanOrEqual(rounds.length * slack);
    // Downtime: what was pending at the switch, at the link rate, within the 300 ms limit.
    expect(result.info.downtime).toBeLessThanOrEqual(300);
    expect(Math.abs(result.info.downtime! - (result.info.ram['downtime-bytes'] / B) * 1000)).toBeLessThanOrEqual(1);
  });
});

describe('QEMU pre-copy, a writer faster than the link', () => {
  const fastWriter = { pattern: 'sequential' as const, dirtyRateBytesPerSec: 2 * B, workingSetBytes: GiB, writeWorkingSetBytes: GiB };

  it('never converges without auto-converge: dirty-sync-count keeps growing and expected-downtime says ~8 s honestly', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: 2 * GiB, workload: fastWriter });
    const snapshots: QueryMigrateInfo[] = [];
    const result = runMigration({
      machine,
      guest,
      link: { bytesPerSec: B },
      maxDurationNs: 120 * NS,
      onGuestStep: (t) => {
        // Steps start at multiples of 100 ms: snapshot at 60 s and at the last step (119.9 s).
        if (t === 600 * STEP_NS || t === 1199 * STEP_NS) snapshots.push(machine.info());
      },
    });
    expect(result.status).toBe('active');
    expect(result.info.status).toBe('active');
    expect(snapshots).toHaveLength(2);
    const [atMinute, atEnd] = snapshots as [QueryMigrateInfo, QueryMigrateInfo];
    expect(atMinute.ram['dirty-sync-count']).toBeGreaterThanOrEqual(7);
    // One sync per ~7.8 s round (1 GiB of dirty pages at B, less the threshold).
    expect(atEnd.ram['dirty-sync-count'] - atMinute.ram['dirty-sync-count']).toBeGreaterThanOrEqual(7);
    // The whole 1 GiB write set is dirty at every sync: 1 GiB / 128 MiB/s = 8 s (1 % tolerance:
    // the bandwidth is measured over 100 ms windows that carry one page more or less).
    expect(atEnd['expected-downtime']).toBeGreaterThan(8000 * 0.99);
    expect(atEnd['expected-downtime']).toBeLessThan(8000 * 1.01);
    expect(atEnd.ram.remaining).toBeGreaterThan(0);
    expect(result.throttleHistory).toEqual([]);
  });

  it('with auto-converge the throttle climbs 20, 30, 40, ... until the migration converges, then stops', () => {
    const { guest, machine } = migrationTestbed({ memoryBytes: 2 * GiB, workload: fastWriter, params: { capabilities: { 'auto-converge': true } } });
    const result = runMigration({ machine, guest, link: { bytesPerSec: B }, maxDurationNs: 300 * NS });
    expect(result.status).toBe('completed');
    const throttles = result.throttleHistory.map((t) => t.percent);
    expect(throttles.at(-1)).toBe(0);
    const climb = throttles.slice(0, -1);
    expect(climb[0]).toBe(20);
    for (let i = 1; i < climb.length; i++) expect(climb[i]! - climb[i - 1]!).toBe(10);
    // A writer at twice the link rate dirties less than it sends only once throttled above 50 %.
    expect(climb.at(-1)!).toBeGreaterThanOrEqual(60);
    expect(climb).toEqual([20, 30, 40, 50, 60, 70, 80]);
    // Between natural syncs QEMU 9.2+ forces one every 5 s (cpu_throttle_dirty_sync_timer_tick).
    const roundStarts = result.phases.filter((p) => p.phase === 'round').map((p) => p.atNs);
    const gaps = roundStarts.slice(1).map((t, i) => t - roundStarts[i]!);
    expect(gaps.filter((gap) => Math.abs(gap - 5 * NS) < 1e6).length).toBeGreaterThanOrEqual(3);
    expect(result.info.downtime).toBeLessThanOrEqual(300);
    expect(result.verification?.verified).toBe(true);
  });
});
