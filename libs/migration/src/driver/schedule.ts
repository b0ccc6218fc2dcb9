import type { MigrationPhaseName } from '../actions';
import type { MigrationFault } from '../events';
import type { MigrationParametersInput } from '../params';

/** What a test or bench can inject into a reference-driver run. */
export type DriverCommand =
  | { type: 'cancel' }
  | { type: 'fault'; fault: MigrationFault }
  | { type: 'start-postcopy' }
  | { type: 'postcopy-recover' }
  | { type: 'link-changed'; bytesPerSec: number; latencyNs?: number }
  | { type: 'set-parameters'; params: Pick<MigrationParametersInput, 'downtime-limit' | 'max-bandwidth' | 'max-postcopy-bandwidth'> };

/**
 * When a command fires: at a time, or when the machine enters a phase
 * (`{ phase: 'round', round: 3 }` = when round 3 starts), optionally
 * `delayNs` later.
 */
export type ScheduleTrigger = { atNs: number } | { phase: MigrationPhaseName; round?: number; delayNs?: number };

export interface ScheduledCommand {
  when: ScheduleTrigger;
  command: DriverCommand;
}
