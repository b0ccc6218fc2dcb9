import type { RunSummary } from './services-stack';

/**
 * The environment of the fault tests' services: a message whose consumer was
 * killed goes to another within a few seconds (job lock 5 s, stalled check
 * every second, instead of 10 s and 5 s), and a killed worker's shard lease
 * lapses after 2 s (instead of 5 s). Nothing else changes: the report may
 * not depend on either.
 */
export const FAST_TAKEOVER_ENV = {
  MIGSIM_LOCK_DURATION_MS: '5000',
  MIGSIM_STALLED_INTERVAL_MS: '1000',
  MIGSIM_CLAIM_LEASE_MS: '2000',
  MIGSIM_HEARTBEAT_MS: '250',
};

/** Where a fault strikes the flagship (paced at 40x, 360 s of virtual time): a third of the way in. */
export const FAULT_AT_SIMULATED_MS = 120_000;

/** The run was mid-way when the fault struck: still running, short of its horizon. */
export function midRun(run: RunSummary, horizonMs: number): string {
  if (run.status !== 'running') return `the run had already ${run.status}`;
  if (run.simulatedMs >= horizonMs) return `the run had reached its horizon (${run.simulatedMs} ms)`;
  return 'mid-run';
}
