import type { MigrationPolicy } from './policy';

/**
 * The two timeouts KubeVirt's virt-launcher enforces on a running migration
 * (`liveMigrationMonitor`, pkg/virt-launcher/virtwrap/manager.go /
 * live-migration-source.go):
 *
 * - **progress**: a watermark of the lowest remaining data seen; whenever the
 *   remaining data drops below it the watermark moves and the progress time
 *   is reset. When `now - lastProgress > progressTimeout` the migration is
 *   aborted ("Live migration stuck for N sec and has been aborted").
 * - **completion**: `acceptableCompletionTime = completionTimeoutPerGiB x
 *   memory in GiB` (KubeVirt rounds the data size up to a whole unit; we
 *   round up to whole GiB). When the elapsed time exceeds it: with
 *   `allowPostCopy` switch to post-copy; else with `allowWorkloadDisruption`
 *   (or Nova's `live_migration_timeout_action = force_complete`) pause the
 *   guest so the migration completes; else abort ("Live migration is not
 *   completed after N sec and has been aborted").
 *
 * virt-launcher polls every 400 ms; the engine calls `observe` after every
 * step, and `nextDeadlineNs` lets an event-driven engine wake in time.
 * Neither timeout applies once the migration is in post-copy (it can no
 * longer be aborted without losing the VM).
 */
export type WatchdogVerdict =
  | { action: 'continue' }
  | { action: 'abort'; reason: 'progress-timeout' | 'completion-timeout'; message: string }
  | { action: 'switch-to-postcopy'; message: string }
  | { action: 'force-complete'; message: string };

const GIB = 1024 ** 3;
const SECOND_NS = 1_000_000_000;

export type WatchdogPolicy = Pick<
  MigrationPolicy,
  'completionTimeoutPerGiBNs' | 'progressTimeoutNs' | 'allowPostCopy' | 'allowWorkloadDisruption' | 'timeoutAction'
>;

export class MigrationWatchdog {
  readonly acceptableCompletionNs: number;
  private progressWatermarkBytes = Infinity;
  private lastProgressNs: number;
  private completionFired = false;
  private inPostcopy = false;

  constructor(
    private readonly policy: WatchdogPolicy,
    memoryBytes: number,
    private readonly startNs: number,
  ) {
    this.acceptableCompletionNs = policy.completionTimeoutPerGiBNs * Math.ceil(memoryBytes / GIB);
    this.lastProgressNs = startNs;
  }

  /** Tells the watchdog the migration switched to post-copy: both timeouts stop applying. */
  enteredPostcopy(): void {
    this.inPostcopy = true;
  }

  /** Feeds the remaining bytes seen at `nowNs`; returns what the controller must do. */
  observe(nowNs: number, remainingBytes: number): WatchdogVerdict {
    if (remainingBytes < this.progressWatermarkBytes) {
      this.progressWatermarkBytes = remainingBytes;
      this.lastProgressNs = nowNs;
    }
    if (this.inPostcopy) return { action: 'continue' };
    const stuckNs = nowNs - this.lastProgressNs;
    if (this.policy.progressTimeoutNs > 0 && stuckNs > this.policy.progressTimeoutNs) {
      return {
        action: 'abort',
        reason: 'progress-timeout',
        message: `Live migration stuck for ${Math.floor(stuckNs / SECOND_NS)} sec and has been aborted`,
      };
    }
    const elapsedNs = nowNs - this.startNs;
    if (!this.completionFired && this.acceptableCompletionNs > 0 && elapsedNs > this.acceptableCompletionNs) {
      const seconds = Math.floor(this.acceptableCompletionNs / SECOND_NS);
      if (this.policy.allowPostCopy) {
        this.completionFired = true;
        return { action: 'switch-to-postcopy', message: `Live migration not completed after ${seconds} sec: switching to post-copy` };
      }
      if (this.policy.allowWorkloadDisruption || this.policy.timeoutAction === 'force-complete') {
        this.completionFired = true;
        return { action: 'force-complete', message: `Live migration not completed after ${seconds} sec: pausing the guest to complete` };
      }
      return { action: 'abort', reason: 'completion-timeout', message: `Live migration is not completed after ${seconds} sec and has been aborted` };
    }
    return { action: 'continue' };
  }

  /** The earliest time a timeout could fire if no further progress is made; Infinity when none can. */
  nextDeadlineNs(): number {
    if (this.inPostcopy) return Infinity;
    let deadline = Infinity;
    if (this.policy.progressTimeoutNs > 0) deadline = this.lastProgressNs + this.policy.progressTimeoutNs + 1;
    if (!this.completionFired && this.acceptableCompletionNs > 0) {
      deadline = Math.min(deadline, this.startNs + this.acceptableCompletionNs + 1);
    }
    return deadline;
  }
}
