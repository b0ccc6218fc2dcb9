import type { HostCrash, HostRecover, MigrationCancel, MigrationRate, MigrationStart, ProbeStart } from '@migsim/cluster';
import { checkAttemptId } from './attempt-id';
import { attemptNumber, bytesPerSec, timeNs } from './field-rules';
import { downtimeSteps, migrationParams, watchdogPolicy } from './policy-shapes';
import { anyString, bool, literal, nonEmptyString, nullable, objectOf, oneOf } from './rules';

/** Commands the controller sends a host. */

export const decodeMigrationStart = objectOf<MigrationStart>(
  {
    kind: literal('migration.start'),
    migration: nonEmptyString,
    attempt: attemptNumber,
    attemptId: nonEmptyString,
    vm: nonEmptyString,
    destination: nonEmptyString,
    params: migrationParams,
    watchdog: watchdogPolicy,
    downtimeSteps: nullable(downtimeSteps),
    rateBytesPerSec: bytesPerSec,
    burstRateBytesPerSec: bytesPerSec,
    latencyNs: timeNs,
    reportPhases: bool,
  },
  checkAttemptId,
);

export const decodeMigrationRate = objectOf<MigrationRate>({
  kind: literal('migration.rate'),
  attemptId: nonEmptyString,
  rateBytesPerSec: bytesPerSec,
  burstRateBytesPerSec: bytesPerSec,
  latencyNs: timeNs,
  pathUp: bool,
});

export const decodeMigrationCancel = objectOf<MigrationCancel>({
  kind: literal('migration.cancel'),
  attemptId: nonEmptyString,
  reason: anyString,
});

export const decodeHostCrash = objectOf<HostCrash>({
  kind: literal('host.crash'),
  reason: anyString,
});

export const decodeHostRecover = objectOf<HostRecover>({
  kind: literal('host.recover'),
});

export const decodeProbeStart = objectOf<ProbeStart>({
  kind: literal('probe.start'),
  probe: nonEmptyString,
  vm: nonEmptyString,
  mode: oneOf('dirty-bitmap', 'page-sampling'),
  durationNs: timeNs,
  reportRate: bool,
});
