import type { MigrationEnded, MigrationPhase, ProbeEnded, VmResumed } from '@migsim/cluster';
import { malformed } from './decode-error';
import { attemptNumber, bytesPerSec, roundNumber, timeNs } from './field-rules';
import { queryMigrateInfo } from './migration-shapes';
import { phaseInterval } from './policy-shapes';
import { anyString, arrayOf, finite, literal, nonEmptyString, nullable, objectOf, oneOf, optional } from './rules';

/** Reports a host sends the controller. */

export const decodeMigrationPhase = objectOf<MigrationPhase>({
  kind: literal('migration.phase'),
  migration: nonEmptyString,
  attempt: attemptNumber,
  vm: nonEmptyString,
  phase: nonEmptyString,
  round: nullable(roundNumber),
});

export const decodeMigrationEnded = objectOf<MigrationEnded>(
  {
    kind: literal('migration.ended'),
    migration: nonEmptyString,
    attempt: attemptNumber,
    vm: nonEmptyString,
    outcome: oneOf('completed', 'failed', 'cancelled', 'aborted'),
    reason: anyString,
    startNs: timeNs,
    endNs: timeNs,
    phases: arrayOf(phaseInterval),
    info: queryMigrateInfo,
    vmAfter: oneOf('on-source', 'on-destination', 'lost', 'down'),
    lostWorkVcpuNs: optional(finite(0)),
  },
  (ended, path) => {
    if (ended.endNs < ended.startNs) throw malformed(`${path}.endNs`, `a time >= startNs (${ended.startNs})`, ended.endNs);
  },
);

export const decodeVmResumed = objectOf<VmResumed>({
  kind: literal('vm.resumed'),
  vm: nonEmptyString,
  host: nonEmptyString,
  migration: nonEmptyString,
  attempt: attemptNumber,
});

export const decodeProbeEnded = objectOf<ProbeEnded>({
  kind: literal('probe.ended'),
  probe: nonEmptyString,
  vm: nonEmptyString,
  rateBytesPerSec: nullable(bytesPerSec),
});
