import { describe, expect, it } from 'vitest';
import { migrationPolicy } from './policy';
import { MigrationWatchdog } from './watchdog';

const S = 1_000_000_000;
const GIB = 1024 ** 3;

describe('migration watchdog (KubeVirt liveMigrationMonitor)', () => {
  it('completion timeout aborts after completionTimeoutPerGiB x GiB, not before', () => {
    const policy = migrationPolicy({ completionTimeoutPerGiBNs: 10 * S, progressTimeoutNs: 0 });
    const watchdog = new MigrationWatchdog(policy, 4 * GIB, 0);
    expect(watchdog.acceptableCompletionNs).toBe(40 * S);
    let remaining = 4 * GIB;
    for (let t = 0; t <= 40 * S; t += S) {
      remaining -= 1; // keeps progressing
      expect(watchdog.observe(t, remaining).action).toBe('continue');
    }
    const verdict = watchdog.observe(41 * S, remaining - 1);
    expect(verdict).toMatchObject({ action: 'abort', reason: 'completion-timeout' });
    expect(watchdog.nextDeadlineNs()).toBe(40 * S + 1);
  });

  it('a partial GiB counts as a whole one', () => {
    const watchdog = new MigrationWatchdog(migrationPolicy({ completionTimeoutPerGiBNs: 10 * S }), 1.5 * GIB, 0);
    expect(watchdog.acceptableCompletionNs).toBe(20 * S);
  });

  it('progress timeout aborts when remaining data makes no new low for progressTimeout', () => {
    const policy = migrationPolicy({ progressTimeoutNs: 150 * S, completionTimeoutPerGiBNs: 0 });
    const watchdog = new MigrationWatchdog(policy, 8 * GIB, 0);
    expect(watchdog.observe(10 * S, 1000).action).toBe('continue');
    // Remaining bounces around but never below 1000: no progress since t = 10 s.
    expect(watchdog.observe(100 * S, 5000).action).toBe('continue');
    expect(watchdog.observe(160 * S, 1000).action).toBe('continue');
    expect(watchdog.nextDeadlineNs()).toBe(160 * S + 1);
    expect(watchdog.observe(161 * S, 1200)).toMatchObject({ action: 'abort', reason: 'progress-timeout', message: 'Live migration stuck for 151 sec and has been aborted' });
  });

  it('with allowPostCopy the completion timeout switches to post-copy once, and no timeout applies afterwards', () => {
    const policy = migrationPolicy({ completionTimeoutPerGiBNs: 1 * S, progressTimeoutNs: 5 * S, allowPostCopy: true });
    const watchdog = new MigrationWatchdog(policy, 1 * GIB, 0);
    expect(watchdog.observe(2 * S, 100).action).toBe('switch-to-postcopy');
    watchdog.enteredPostcopy();
    expect(watchdog.observe(100 * S, 100).action).toBe('continue');
    expect(watchdog.nextDeadlineNs()).toBe(Infinity);
  });

  it('allowWorkloadDisruption without post-copy, or Nova force_complete, pauses the guest instead of aborting', () => {
    const disruptive = new MigrationWatchdog(migrationPolicy({ completionTimeoutPerGiBNs: S, progressTimeoutNs: 0, allowWorkloadDisruption: true }), GIB, 0);
    expect(disruptive.observe(2 * S, 10).action).toBe('force-complete');
    expect(disruptive.observe(3 * S, 9).action).toBe('continue');
    const nova = new MigrationWatchdog(migrationPolicy({ completionTimeoutPerGiBNs: S, progressTimeoutNs: 0, timeoutAction: 'force-complete' }), GIB, 0);
    expect(nova.observe(2 * S, 10).action).toBe('force-complete');
  });

  it('0 disables a timeout', () => {
    const watchdog = new MigrationWatchdog(migrationPolicy({ completionTimeoutPerGiBNs: 0, progressTimeoutNs: 0 }), GIB, 0);
    expect(watchdog.observe(1e6 * S, 1).action).toBe('continue');
    expect(watchdog.nextDeadlineNs()).toBe(Infinity);
  });
});
