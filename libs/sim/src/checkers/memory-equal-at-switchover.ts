import type { EngineView, InvariantChecker } from './checker';

/**
 * At every switchover the destination holds the source's current version of
 * every page. Two independent witnesses: the destination's digest of page
 * versions against the source's (libs/migration), and the engine's own
 * PageVersionTracker, fed by the guest's writes and the pages that reach the
 * destination, never by KVM's dirty log or the migration bitmap.
 */
export const memoryEqualAtSwitchover: InvariantChecker = {
  kind: 'memory-equal-at-switchover',
  description: 'destination memory equals source memory at switchover',
  check(view: EngineView) {
    for (const switchover of view.recentSwitchovers()) {
      if (switchover.stalePageCount > 0) {
        return `migration ${switchover.migrationId} (VM ${switchover.vmName}) switched over with ${switchover.stalePageCount} stale page(s) on the destination, first gfn ${switchover.firstStalePage}`;
      }
      if (switchover.verified === false) {
        return `migration ${switchover.migrationId} (VM ${switchover.vmName}): the destination's page versions differ from the source's: ${switchover.detail}`;
      }
    }
    return undefined;
  },
};
