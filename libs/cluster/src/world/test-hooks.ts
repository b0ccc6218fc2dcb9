/**
 * Test-only bug injection. Each hook re-creates a bug a host or a controller
 * could have, so that a test can show the check that must catch it does
 * catch it, in the engine and over the services alike. Never set outside
 * tests.
 */
export interface ClusterTestHooks {
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
  /** After a failed migration, forget the VM on the source instead of resuming it there. */
  forgetVmAfterFailure?: boolean;
}
