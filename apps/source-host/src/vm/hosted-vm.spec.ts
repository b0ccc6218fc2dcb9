import { MigrationDestination, type DestinationPrepare, type PageBatch, type SwitchoverCheck } from '@migsim/migration';
import { loadScenario } from '@migsim/scenario';
import { Rng } from '@migsim/sim';
import { describe, expect, it } from 'vitest';
import { HostedVm } from './hosted-vm';

const SCENARIO = loadScenario(
  `name: unit
horizon: 60s
hosts:
  - { name: src-1, link: 1Gbps, memory: 8GiB, vcpus: 8, kernel: { mmu: tdp, pml: true, recovery: zap-tdp } }
  - { name: dst-1, link: 1Gbps, memory: 8GiB, vcpus: 8 }
vms:
  - { name: vm-1, host: src-1, memory: 512MiB, vcpus: 2, backing: thp, workload: { pattern: sequential, writeWorkingSet: 512MiB, dirtyRate: 40MB/s } }
`,
  'unit.yaml',
);
const [SOURCE, DESTINATION] = SCENARIO.variants[0]!.hosts;
const VM = SCENARIO.variants[0]!.vms[0]!;

/** A hosted VM whose page stream goes straight into an in-memory destination; events are recorded. */
function harness() {
  const events: { kind: string; body: Record<string, unknown> }[] = [];
  let destination: MigrationDestination | null = null;
  const answers: SwitchoverCheck[] = [];
  const vm = new HostedVm('r/v/vm-1', VM, SOURCE!, new Rng(3), 60e9, 1e9, [0.95], {
    stream: (_host, _migration, _attempt, kind, _seq, body) => {
      if (kind === 'prepare') destination = new MigrationDestination(body as DestinationPrepare);
      if (kind === 'batch') destination?.receive(body as PageBatch);
      if (kind === 'resume') answers.push((body as { check: SwitchoverCheck }).check);
      if (kind === 'discard') destination?.drop();
    },
    event: (kind, body) => events.push({ kind, body: body as Record<string, unknown> }),
  });
  return { vm, events, answers, destination: () => destination };
}

const START = { migration: 'm1', attempt: 1, destination: DESTINATION!, params: { 'max-bandwidth': 125e6 }, linkBytesPerSec: 125e6, atNs: 1e9 };

describe('source host: a hosted VM', () => {
  it('migrates to completion once the destination verifies memory, and then lives on the destination', () => {
    const { vm, events, answers, destination } = harness();
    vm.advanceTo(1e9);
    vm.startMigration(START);
    for (let t = 1e9; t <= 60e9 && vm.activeMigration() !== null; t += 100e6) {
      vm.advanceTo(t);
      const check = answers.shift();
      if (check !== undefined) {
        const resumed = destination()!.resume(check).find((output) => output.type === 'resumed');
        if (resumed?.type === 'resumed') vm.destinationAnswer('m1', 1, resumed.verification);
      }
    }
    const ended = events.find((event) => event.kind === 'migration.ended')!.body;
    expect(ended.outcome).toBe('completed');
    expect((ended.verification as { verified: boolean }).verified).toBe(true);
    expect(vm.host).toBe('dst-1');
  });

  it('after a destination crash in round 3 resumes on the source, stops dirty logging and recovers its huge pages', () => {
    const { vm, events } = harness();
    vm.advanceTo(1e9);
    const hugeBefore = vm.hugeFraction();
    vm.startMigration(START);
    for (let t = 1e9; t <= 60e9; t += 100e6) {
      vm.advanceTo(t);
      const round3 = events.some((event) => event.kind === 'migration.phase' && event.body.phase === 'round' && event.body.round === 3);
      if (round3 && vm.activeMigration() !== null) vm.fault('destination-crash', 'test');
    }
    const ended = events.find((event) => event.kind === 'migration.ended')!.body;
    expect(ended.outcome).toBe('failed');
    expect(ended.vmOutcome).toBe('running-on-source');
    expect(ended.dirtyLoggingOff).toBe(true);
    expect(vm.dirtyLoggingOn()).toBe(false);
    const report = vm.report();
    expect(report.host).toBe('src-1');
    expect(report.recoveries).toHaveLength(1);
    expect(report.recoveries[0]!.strategy).toBe('zap-tdp');
    expect(report.recoveries[0]!.disable.sptesZapped).toBeGreaterThan(0);
    expect(report.recoveries[0]!.finalHugeFraction).toBeGreaterThanOrEqual(0.95 * hugeBefore);
    // Dirty logging had split what the guest wrote during the migration.
    expect(Math.min(...report.timeline.map((point) => point.hugeFraction))).toBeLessThan(0.75 * hugeBefore);
  });
});

describe('source host: a dirty-rate probe of a hosted VM', () => {
  const vmEvents = (events: { kind: string; body: Record<string, unknown> }[]) => events.filter((event) => event.kind === 'vm.event').map((event) => event.body as { tMs: number; kind: string; subject: string; detail: string });

  it('dirty-bitmap: from its time (once, however often it is sent), logging on splits what the guest writes; off at the end runs the recovery, measured as after a failure', () => {
    const { vm, events } = harness();
    const hugeBefore = vm.hugeFraction();
    // Sent ahead of its time, as the controller does: it starts when the guest reaches 2 s.
    vm.scheduleProbe({ probe: 'p1', mode: 'dirty-bitmap', atNs: 2e9, durationNs: 5e9 });
    vm.scheduleProbe({ probe: 'p1', mode: 'dirty-bitmap', atNs: 2e9, durationNs: 5e9 });
    vm.advanceTo(1.5e9);
    expect(vm.dirtyLoggingOn()).toBe(false);
    vm.advanceTo(6e9);
    expect(vm.dirtyLoggingOn()).toBe(true);
    expect(vm.hugeFraction()).toBeLessThan(0.9 * hugeBefore);
    vm.advanceTo(40e9);
    expect(vm.dirtyLoggingOn()).toBe(false);
    const seen = vmEvents(events);
    expect(seen.map((event) => `${event.kind} ${event.subject} @${event.tMs}`)).toEqual([
      'dirty-logging-enabled vm-1 @2000',
      'probe-started p1 @2000',
      'dirty-logging-disabled vm-1 @7000',
      'recovery-started vm-1 @7000',
      'probe-ended p1 @7000',
      ...seen.slice(5).map((event) => `${event.kind} ${event.subject} @${event.tMs}`),
    ]);
    expect(seen.slice(5).every((event) => event.kind.startsWith('recovery-reached-'))).toBe(true);
    // The sequential writer dirties 40 MB/s: the probe measures about that.
    const rate = Number(/: (\d+) bytes\/s/.exec(seen.find((event) => event.kind === 'probe-ended')!.detail)![1]);
    expect(rate).toBeGreaterThan(30e6);
    expect(rate).toBeLessThan(50e6);
    const report = vm.report();
    expect(report.recoveries).toHaveLength(1);
    expect(report.recoveries[0]).toMatchObject({ strategy: 'zap-tdp', trigger: 'probe-ended', cause: 'p1' });
    expect(report.recoveries[0]!.finalHugeFraction).toBeGreaterThanOrEqual(0.95 * hugeBefore);
  });

  it('page-sampling: counts the writes and leaves the MMU alone; a busy VM skips a second probe', () => {
    const { vm, events } = harness();
    vm.advanceTo(2e9);
    const hugeBefore = vm.hugeFraction();
    vm.scheduleProbe({ probe: 'p1', mode: 'page-sampling', atNs: 2e9, durationNs: 5e9 });
    vm.scheduleProbe({ probe: 'p2', mode: 'dirty-bitmap', atNs: 3e9, durationNs: 5e9 });
    vm.advanceTo(10e9);
    expect(vm.dirtyLoggingOn()).toBe(false);
    expect(vm.hugeFraction()).toBe(hugeBefore);
    expect(vm.report().recoveries).toHaveLength(0);
    const seen = vmEvents(events);
    expect(seen.map((event) => `${event.kind} ${event.subject}`)).toEqual(['probe-started p1', 'probe-skipped p2', 'probe-ended p1']);
    const rate = Number(/: (\d+) bytes\/s/.exec(seen[2]!.detail)![1]);
    expect(rate).toBeGreaterThan(30e6);
    expect(rate).toBeLessThan(50e6);
  });

  it('a migration that starts during a probe ends it at the start', () => {
    const { vm, events } = harness();
    vm.advanceTo(1e9);
    vm.scheduleProbe({ probe: 'p1', mode: 'dirty-bitmap', atNs: 1e9, durationNs: 30e9 });
    vm.startMigration({ ...START, atNs: 3e9 });
    const seen = vmEvents(events);
    expect(seen.find((event) => event.kind === 'probe-ended')!.tMs).toBe(3000);
    expect(vm.activeMigration()).toEqual({ id: 'm1', attempt: 1 });
    // The migration switches logging on again for itself.
    expect(vm.dirtyLoggingOn()).toBe(true);
  });
});
