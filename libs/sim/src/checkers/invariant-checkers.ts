import { admissionCaps } from './admission-caps';
import type { InvariantChecker } from './checker';
import { dirtyLoggingOffAfterFailure } from './dirty-logging-off-after-failure';
import { memoryEqualAtSwitchover } from './memory-equal-at-switchover';
import { vmNeverLost } from './vm-never-lost';

/** The safety invariants checked after every step of every run. */
export const INVARIANT_CHECKERS: readonly InvariantChecker[] = [vmNeverLost, memoryEqualAtSwitchover, dirtyLoggingOffAfterFailure, admissionCaps];
