import type { QueryMigrateInfo } from '@migsim/migration';
import type { MigrationAttempt, RecoveryReport, TimelinePoint } from '@migsim/report';

/**
 * What an actor hands over at the horizon, as plain JSON data: its report
 * events and the facts the judge and the report assembly read. The services
 * send these to the controller at the end of a run; the engine reads them
 * directly. Nothing in here depends on how the run was driven.
 */
export interface ActorEvent {
  tNs: number;
  /** Order among this actor's events at the same time. */
  seq: number;
  kind: string;
  subject: string;
  detail: string;
}

/** One stay of a VM on a host: from its arrival (0 for its first host) to its departure or loss. */
export interface VmStay {
  vm: string;
  host: string;
  fromNs: number;
  /** null: still there at the horizon. */
  toNs: number | null;
  /** Where it stood at the end of the stay (or at the horizon). */
  endState: 'running' | 'paused' | 'down' | 'migrated' | 'lost';
  /** Why it was lost, when it was. */
  lostReason: string;
  /** Intervals during which its guest code ran here, [from, to) pairs; the last `to` may be null. */
  executing: (number | null)[];
  timeline: TimelinePoint[];
  recoveries: RecoveryReport[];
  /** For `recovers` checks: each recovery's time to the watched levels. */
  recoveryLevels: RecoveryLevels[];
}

export interface RecoveryLevels {
  strategy: string;
  cause: string;
  startNs: number;
  measuredUntilNs: number;
  /** [fraction, ns or null] for each level a check watches. */
  timeTo: [number, number | null][];
}

export interface SwitchoverFact {
  tNs: number;
  migration: string;
  vm: string;
  host: string;
  verified: boolean | null;
  detail: string;
  mode: string;
}

/** An attempt as its source ran it (the admission check counts these). */
export interface TransferFact {
  attemptId: string;
  source: string;
  destination: string;
  startNs: number;
  endNs: number;
}

/** An invariant a host checked after each of its steps. */
export interface LocalCheckOutcome {
  kind: string;
  steps: number;
  violations: number;
  firstViolationNs: number | null;
  firstViolation: string | null;
}

export interface HostFacts {
  host: string;
  events: ActorEvent[];
  stays: VmStay[];
  /** Attempts still running at the horizon, with their record as it stood. */
  unfinished: { migration: string; attempt: MigrationAttempt }[];
  switchovers: SwitchoverFact[];
  transfers: TransferFact[];
  localChecks: LocalCheckOutcome[];
}

/** A host's news for a live view since its last one (see `HostActor.drainLive`). */
export interface HostLive {
  host: string;
  up: boolean;
  migrations: { migration: string; attempt: number; vm: string; destination: string; phase: string; round: number | null; info: QueryMigrateInfo }[];
  samples: { vm: string; points: TimelinePoint[] }[];
  events: ActorEvent[];
}
