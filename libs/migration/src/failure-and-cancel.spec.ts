import { describe, expect, it } from 'vitest';
import type { MigrationAction } from './actions';
import type { ScheduledCommand, ScheduleTrigger } from './driver/schedule';
import { runMigration } from './driver/run-migration';
import type { MigrationParametersInput } from './params';
import { MiB, migrationTestbed } from './testing';

const B = 128 * MiB;
const NS = 1e9;

/** A 512 MiB VM in two memslots whose uniform writer keeps pre-copy going for several rounds. */
function run(trigger: ScheduleTrigger, command: ScheduledCommand['command'], params: MigrationParametersInput = {}, extra: ScheduledCommand[] = []) {
  const bed = migrationTestbed({
    memoryBytes: 512 * MiB,
    memslots: 2,
    kernel: { recovery: 'zap-rmap' },
    workload: { pattern: 'uniform', dirtyRateBytesPerSec: 32 * MiB, workingSetBytes: 256 * MiB, writeWorkingSetBytes: 128 * MiB },
    params,
  });
  const actions: MigrationAction[] = [];
  const result = runMigration({
    machine: bed.machine,
    guest: bed.guest,
    link: { bytesPerSec: B, latencyNs: 1_000_000 },
    schedule: [{ when: trigger, command }, ...extra],
    onAction: (action) => actions.push(action),
  });
  return { ...bed, result, actions };
}

function sentBatches(actions: MigrationAction[]) {
  return actions.flatMap((a) => (a.type === 'send-pages' ? [a.batch] : []));
}

const crash = { type: 'fault', fault: { kind: 'destination-crash' } } as const;
const cancel = { type: 'cancel' } as const;

const PRECOPY_PHASES: { name: string; trigger: Extract<ScheduleTrigger, { phase: string }> }[] = [
  { name: 'setup', trigger: { phase: 'setup' } },
  { name: 'round 1', trigger: { phase: 'round', round: 1, delayNs: 0.5 * NS } },
  { name: 'round 2', trigger: { phase: 'round', round: 2 } },
  { name: 'round 3', trigger: { phase: 'round', round: 3 } },
  { name: 'stop-and-copy', trigger: { phase: 'stop-and-copy', delayNs: 20_000_000 } },
];

describe('failure and cancel on the source, as QEMU does it', () => {
  for (const { name, trigger } of PRECOPY_PHASES) {
    for (const [verb, command] of [
      ['destination crash', crash],
      ['cancel', cancel],
    ] as const) {
      it(`${verb} during ${name}: the VM runs on the source, dirty logging is off on every memslot, the recovery ran, no page counted twice`, () => {
        const { result, actions, mmu, machine } = run(trigger, command);
        const expectedStatus = command === cancel ? 'cancelled' : 'failed';
        expect(result.status).toBe(expectedStatus);
        // The failure hit the phase it was aimed at.
        const last = result.phases.at(-2)!;
        expect(last.phase).toBe(trigger.phase);
        if (trigger.round !== undefined) expect(last.round).toBe(trigger.round);

        const recovery = result.recovery!;
        expect(recovery.vmOutcome).toBe('running-on-source');
        const paused = name === 'stop-and-copy';
        expect(recovery.vmWasPaused).toBe(paused);
        expect(recovery.vmResumedOnSource).toBe(paused);
        expect(actions.some((a) => a.type === 'resume-source')).toBe(paused);

        expect(mmu.memslots().map((slot) => mmu.isDirtyLogging(slot.id))).toEqual([false, false]);
        expect(recovery.disableLogging.map((r) => [r.operation, r.strategy])).toEqual([
          ['disable-logging', 'zap-rmap'],
          ['disable-logging', 'zap-rmap'],
        ]);
        if (name !== 'setup') expect(recovery.totals.sptesZapped).toBeGreaterThan(0);

        const batches = sentBatches(actions);
        expect(result.info.ram.transferred).toBe(batches.reduce((sum, b) => sum + b.wireBytes, 0));
        expect(result.info.ram.normal + result.info.ram.duplicate).toBe(batches.reduce((sum, b) => sum + b.normalPageCount + b.zeroPageCount, 0));
        expect(new Set(batches.map((b) => b.seq)).size).toBe(batches.length);
        // Nothing is counted after the end.
        expect(machine.info().ram.transferred).toBe(result.info.ram.transferred);
        expect(machine.modelBytes()).toBe(0);

        expect(result.destination?.state()).toBe('dropped');
        if (command === crash) expect(result.info['error-desc']).toBe('Destination host failed: connection closed');
      });
    }
  }

  it('a failure while auto-converge throttles the guest stops the throttle', () => {
    // A writer at twice the link rate gets throttled within a few rounds.
    const bed = migrationTestbed({
      memoryBytes: 512 * MiB,
      workload: { pattern: 'sequential', dirtyRateBytesPerSec: 2 * B, workingSetBytes: 256 * MiB, writeWorkingSetBytes: 256 * MiB },
      params: { capabilities: { 'auto-converge': true } },
    });
    const out = runMigration({
      machine: bed.machine,
      guest: bed.guest,
      link: { bytesPerSec: B },
      schedule: [{ when: { phase: 'round', round: 6 }, command: crash }],
    });
    expect(out.status).toBe('failed');
    expect(out.throttleHistory.map((t) => t.percent).at(-1)).toBe(0);
    expect(out.recovery!.throttleStoppedPercent).toBeGreaterThanOrEqual(20);
    expect(out.info['cpu-throttle-percentage']).toBeUndefined();
  });
});

describe('failure during post-copy', () => {
  const postcopy = { capabilities: { 'postcopy-ram': true } };
  const startPostcopy: ScheduledCommand = { when: { phase: 'round', round: 2 }, command: { type: 'start-postcopy' } };
  const lostChannel = { type: 'fault', fault: { kind: 'connection-lost' } } as const;

  it('cancel is refused once post-copy started ("Postcopy migration in progress, cannot cancel.") and the migration completes', () => {
    const { result, mmu } = run({ phase: 'postcopy', delayNs: 100_000_000 }, cancel, postcopy, [startPostcopy]);
    expect(result.rejected).toEqual([expect.objectContaining({ event: 'cancel', reason: 'Postcopy migration in progress, cannot cancel.' })]);
    expect(result.status).toBe('completed');
    expect(result.verification).toMatchObject({ verified: true, mode: 'postcopy-end' });
    expect(mmu.isDirtyLogging(0)).toBe(false);
  });

  it('a lost channel loses the VM when nobody recovers the post-copy: reported as failed with vmOutcome "lost", no resume on the source', () => {
    const { result, actions, mmu } = run({ phase: 'postcopy', delayNs: 100_000_000 }, lostChannel, postcopy, [startPostcopy]);
    expect(result.status).toBe('failed');
    expect(result.recovery!.vmOutcome).toBe('lost');
    expect(result.recovery!.vmResumedOnSource).toBe(false);
    expect(actions.some((a) => a.type === 'resume-source')).toBe(false);
    expect(mmu.memslots().map((slot) => mmu.isDirtyLogging(slot.id))).toEqual([false, false]);
    expect(result.destination?.state()).toBe('dropped');
  });

  it('a destination crash during post-copy loses the VM even with postcopy-recovery', () => {
    const { result } = run({ phase: 'postcopy', delayNs: 100_000_000 }, crash, { ...postcopy, 'postcopy-recovery': true }, [startPostcopy]);
    expect(result.status).toBe('failed');
    expect(result.recovery!.vmOutcome).toBe('lost');
  });

  it('with postcopy-recovery a lost channel pauses the post-copy; once recovered it re-sends what was lost and completes with memory intact', () => {
    const { result, actions } = run({ phase: 'postcopy', delayNs: 100_000_000 }, lostChannel, { ...postcopy, 'postcopy-recovery': true }, [
      startPostcopy,
      { when: { phase: 'postcopy-paused', delayNs: NS }, command: { type: 'postcopy-recover' } },
    ]);
    expect(result.phases.map((p) => p.phase)).toEqual(['setup', 'round', 'round', 'postcopy', 'postcopy-paused', 'postcopy', 'completed']);
    const statuses = actions.flatMap((a) => (a.type === 'phase-changed' ? [a.status] : []));
    expect(statuses.slice(3, 6)).toEqual(['postcopy-active', 'postcopy-paused', 'postcopy-recover']);
    expect(result.status).toBe('completed');
    expect(result.verification).toMatchObject({ verified: true, mode: 'postcopy-end' });
  });
});
