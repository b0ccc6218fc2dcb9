// Every kind of event GET /events sends, in one place: the page listens to each of them, and
// apps/controller/src/live/live-events.spec.ts holds these lists to what the code emits.

/** The controller's own (RunsService) on which the page fetches a fresh snapshot of its run. */
export const RUN_REFRESH_KINDS = ['run-completed', 'run-failed', 'fault-injected'];

/** Every kind the controller sends of its own: the page has a handler of its own for each of the first four. */
export const RUN_EVENT_KINDS = ['run-created', 'run-progress', 'migration-progress', 'vm-samples', ...RUN_REFRESH_KINDS];

/** What the actors log (libs/cluster), each sent under its own kind: the variants' controllers' and the hosts'. */
export const ACTOR_EVENT_KINDS = [
  'fault', 'fault-missed', 'plan-started', 'plan-unplaced', 'plan-failed', 'migration-queued', 'destination-repicked', 'retry-scheduled',
  'migration-started', 'phase', 'timeout-action', 'migration-aborting', 'migration-completed', 'migration-failed', 'migration-aborted',
  'migration-cancelled', 'event-rejected', 'host-crashed', 'host-recovered', 'vm-lost', 'vm-resumed', 'dirty-logging-enabled',
  'dirty-logging-disabled', 'recovery-started', 'probe-started', 'probe-ended', 'probe-skipped', 'check-failed',
];

/** Actor events the feed highlights: the faults and what went wrong because of them. */
export const IMPORTANT_EVENT_KINDS = ['fault', 'host-crashed', 'migration-failed', 'migration-aborted', 'vm-lost', 'recovery-started', 'plan-failed', 'check-failed'];
