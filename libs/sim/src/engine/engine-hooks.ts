/**
 * Test-only bug injection. Each hook re-creates a bug an engine or a
 * controller could have, so that a test can show the invariant checker that
 * must catch it does catch it. Never set outside tests.
 */
export interface EngineTestHooks {
  /** Turn dirty logging back on right after a failed or cancelled migration's cleanup switched it off. */
  keepDirtyLoggingAfterFailure?: boolean;
  /**
   * Lose the pages of this batch on the way to the destination: the message
   * arrives (so the stream stays in order) but carries no page, and the
   * source still counts them as delivered.
   */
  losePagesOfBatch?: (migrationId: string, seq: number) => boolean;
  /** Start queued migrations without asking admission control. */
  bypassAdmission?: boolean;
  /** At switchover, start the VM on the destination but leave it running on the source. */
  keepSourceRunningAfterSwitchover?: boolean;
  /** After a failed migration, forget where the VM lives instead of resuming it on the source. */
  forgetVmAfterFailure?: boolean;
}
