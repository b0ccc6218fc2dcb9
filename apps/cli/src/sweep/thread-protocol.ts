import type { RunResult, RunTask, ShrinkResult, ShrinkTask } from '@migsim/sweep';

/** What a sweep thread does: one run of the sweep, or the shrinking of a failing one. */
export type ThreadTask = { kind: 'run'; run: RunTask } | { kind: 'shrink'; shrink: ShrinkTask };

export type ThreadResult<T extends ThreadTask> = T extends { kind: 'run' } ? RunResult : ShrinkResult;

export interface ThreadRequest {
  id: number;
  task: ThreadTask;
}

export type ThreadReply = { id: number; ok: true; result: RunResult | ShrinkResult } | { id: number; ok: false; message: string };
