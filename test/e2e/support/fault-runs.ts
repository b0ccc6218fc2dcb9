import type { RunSummary } from './services-stack';

/**
 * The environment of the fault tests' services: a message whose consumer was
 * killed goes to another within a few seconds (job lock 5 s, stalled check
 * every second, instead of 10 s and 5 s). The shard leases keep their 5 s: a
 * shorter one could lapse on a busy machine whose Redis answers slowly, and
 * the worker would give its shard up. Nothing simulated depends on either.
 */
export const FAST_TAKEOVER_ENV = {
  MIGSIM_LOCK_DURATION_MS: '5000',
  MIGSIM_STALLED_INTERVAL_MS: '1000',
};

/** Where a fault strikes the flagship (paced at 40x, 360 s of virtual time): a third of the way in. */
export const FAULT_AT_SIMULATED_MS = 120_000;

/** The run was mid-way when the fault struck: still running, short of its horizon. */
export function midRun(run: RunSummary, horizonMs: number): string {
  if (run.status !== 'running') return `the run had already ${run.status}`;
  if (run.simulatedMs >= horizonMs) return `the run had reached its horizon (${run.simulatedMs} ms)`;
  return 'mid-run';
}
