import type { EngineView, InvariantChecker } from './checker';

/**
 * Admission caps are never exceeded: counted from the migrations actually
 * transferring (the engine's books of started and ended attempts), not from
 * the admission controller's. A count only grows when a migration starts,
 * so the caps are checked for the hosts of every migration that started in
 * the step.
 */
export const admissionCaps: InvariantChecker = {
  kind: 'admission-caps',
  description: 'admission caps are never exceeded',
  check(view: EngineView) {
    for (const migration of view.recentlyStartedMigrations()) {
      const total = view.transferringCount();
      if (total > view.caps.cluster) return `${total} migrations running, cluster cap is ${view.caps.cluster}`;
      const outbound = view.transferringFrom(migration.sourceHost);
      if (outbound > view.caps.outboundPerHost) return `${outbound} migrations leaving ${migration.sourceHost}, cap is ${view.caps.outboundPerHost}`;
      const inbound = view.transferringTo(migration.destinationHost);
      if (inbound > view.caps.inboundPerHost) return `${inbound} migrations entering ${migration.destinationHost}, cap is ${view.caps.inboundPerHost}`;
    }
    return undefined;
  },
};
