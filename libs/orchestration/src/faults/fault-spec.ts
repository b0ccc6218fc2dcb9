/**
 * A scheduled fault: what happens (`kind`, looked up in the fault registry),
 * when (`trigger`), and where (the kind-specific `params`).
 *
 * - `{ atNs }` fires when virtual time reaches `atNs`;
 * - `{ when: { migration, phase, round?, afterNs? } }` fires `afterNs` (default 0)
 *   after the first time the named migration (its id or its VM's name) enters
 *   `phase` (`setup`, `round`, `stop-and-copy`, `postcopy`) with a round
 *   number >= `round` (round 1 is the first full pass over memory).
 */
export type FaultTrigger = { atNs: number } | { when: { migration: string; phase: string; round?: number; afterNs?: number } };

export interface FaultSpec {
  /** Unique within a scenario; named in reports and events. */
  id: string;
  kind: string;
  trigger: FaultTrigger;
  /** Kind-specific parameters (validated by the kind). */
  params: Readonly<Record<string, unknown>>;
  /** Faults with a duration are reverted after it; absent = permanent. */
  durationNs?: number;
}

/** A migration reporting progress, matched against `when` triggers. */
export interface PhaseEvent {
  migrationId: string;
  vmName: string;
  phase: string;
  round: number;
}
