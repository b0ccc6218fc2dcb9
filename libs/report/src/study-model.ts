/**
 * What a load study adds to the report: how loaded the network's tiers of
 * links were over time (`VariantReport.network`) and, derived from the
 * migrations, a study summary per variant (`VariantSummary.study`).
 */

/** A tier of links: every host NIC, every top-of-rack uplink, the core. */
export type LinkTier = 'nic' | 'uplink' | 'core';
export const LINK_TIERS: readonly LinkTier[] = ['nic', 'uplink', 'core'];

export interface NetworkUsage {
  /** Whether migrations went over a dedicated migration network (else the primary one, beside tenant traffic). */
  migrationNetwork: boolean;
  tiers: TierUsage[];
}

export interface TierUsage {
  tier: LinkTier;
  /** Links of the tier, each direction counted (a NIC is two: out and in). */
  links: number;
  /** Their capacities summed: what migrations may use of them. */
  capacityBytesPerSec: number;
  /**
   * On the report's grid (`sampling.interval`, widened to `maxPoints`), each
   * point closing the interval since the previous one (the first starts at 0):
   * `meanFraction` the tier's load over its capacity, averaged over the
   * interval; `maxFraction` the most loaded single link of the tier at any
   * moment of it; `busyLinks` the most links carrying something at once.
   * The series ends one interval after the network's last change.
   */
  points: TierPoint[];
}

export interface TierPoint {
  tMs: number;
  meanFraction: number;
  maxFraction: number;
  busyLinks: number;
}

/** Nearest-rank percentiles of one quantity over the migrations it applies to (null when none). */
export interface Percentiles {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface StudySummary {
  migrations: number;
  /** Attempts started, over every migration (a retry counts). */
  attempts: number;
  /** Migrations that needed more than one attempt. */
  retried: number;
  /** The earliest request and the latest end of an attempt; null with no migration. */
  firstRequestMs: number | null;
  lastEndMs: number | null;
  /**
   * From the first request to the end of the last attempt to end (the
   * drain's total time); null when a migration was still queued or running
   * at the horizon (then `lastEndMs` is the last end so far).
   */
  makespanMs: number | null;
  /** Per migration that ended: every attempt's `total-time` summed. */
  totalTimeMs: Percentiles;
  /** Per completed migration: its last attempt's `downtime`. */
  downtimeMs: Percentiles;
  /** Per migration that started: bytes on the wire over its attempts. */
  transferredBytes: Percentiles;
  /** Per migration that started: guest work lost on the source while its attempts ran (vCPU·s). */
  lostWorkVcpuSeconds: Percentiles;
  /** Per migration that started: from its request to its first attempt's start (admission caps, backlog). */
  queueWaitMs: Percentiles;
  /** Per tier: its highest mean load over an interval, and its most loaded link at any moment. */
  links: { tier: LinkTier; peakMeanFraction: number; maxFraction: number }[];
}
