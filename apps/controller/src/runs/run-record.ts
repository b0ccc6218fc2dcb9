import type { ShardAssignment } from '@migsim/protocol';

/**
 * What the controller keeps about a run in Redis (the run's inputs and its
 * fate; the simulation's own state lives in the coordinator's journal and
 * the shards'): enough for a restarted controller to resume it, and for the
 * HTTP API to list it.
 */
export interface RunRecord {
  id: string;
  status: 'running' | 'completed' | 'failed';
  scenarioText: string;
  fileName: string;
  seed: number;
  /** Virtual seconds per wall second, or null: as fast as the processes go. */
  speed: number | null;
  /** Wall time that virtual time 0 corresponds to (pacing). */
  epochMs: number;
  shards: ShardAssignment[];
  createdAtMs: number;
  finishedAtMs: number | null;
  error: string | null;
}
