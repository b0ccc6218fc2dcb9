import { MIGRATION_ALGORITHMS } from '@migsim/migration';
import type { WatchdogPolicy } from '@migsim/orchestration';
import { PHASE_KINDS, type PhaseInterval } from '@migsim/report';
import type { DowntimeSteps, MigrationParams, PostcopyTrigger } from '@migsim/scenario';
import { malformed } from './decode-error';
import { bytesPerSec, roundNumber, timeMs, timeNs } from './field-rules';
import { bool, integer, literal, nullable, object, objectOf, oneOf, taggedUnion } from './rules';

/** Shapes from libs/scenario, libs/orchestration and libs/report that travel inside cluster messages. */

const postcopyTrigger = taggedUnion<PostcopyTrigger, 'type'>('type', {
  elapsed: objectOf({ type: literal('elapsed'), afterNs: timeNs }),
  round: objectOf({ type: literal('round'), round: roundNumber }),
});

/** QEMU's parameters as the scenario resolved them; throttle percentages in QEMU's range (1..99). */
export const migrationParams = object<MigrationParams>({
  downtimeLimitNs: timeNs,
  maxBandwidthBytesPerSec: nullable(bytesPerSec),
  cpuThrottleInitialPct: integer(1, 99),
  cpuThrottleIncrementPct: integer(1, 99),
  maxCpuThrottlePct: integer(1, 99),
  autoConverge: bool,
  postcopyRam: bool,
  postcopyAfter: nullable(postcopyTrigger),
  postcopyRecovery: bool,
  algorithm: oneOf(...MIGRATION_ALGORITHMS),
});

export const watchdogPolicy = object<WatchdogPolicy>({
  completionTimeoutPerGiBNs: timeNs,
  progressTimeoutNs: timeNs,
  allowPostCopy: bool,
  allowWorkloadDisruption: bool,
  timeoutAction: oneOf('abort', 'force-complete'),
});

export const downtimeSteps = object<DowntimeSteps>({
  maxDowntimeNs: timeNs,
  steps: integer(1),
  delayNsPerGiB: timeNs,
});

/** One phase of an attempt's record (report-model.ts); a phase never ends before it starts. */
export const phaseInterval = objectOf<PhaseInterval>(
  {
    phase: oneOf(...PHASE_KINDS),
    round: nullable(roundNumber),
    startMs: timeMs,
    endMs: timeMs,
  },
  (phase, path) => {
    if (phase.endMs < phase.startMs) throw malformed(`${path}.endMs`, `a time >= startMs (${phase.startMs})`, phase.endMs);
  },
);
