import type { FaultSpec as OrchestrationFault } from '@migsim/orchestration';
import type { FaultSpec, MigrationParams } from './scenario';

// How scenario faults and migrations meet libs/orchestration's fault registry
// and the network's flows; shared by the in-process engine and the controller.

/** The flow cap of a migration on the network: QEMU's own max-bandwidth (Infinity = none). */
export function flowCapOf(params: MigrationParams): number {
  return params.maxBandwidthBytesPerSec ?? Infinity;
}

/** A scenario fault as the orchestration fault registry reads it. */
export function faultOf(fault: FaultSpec): OrchestrationFault {
  const trigger: OrchestrationFault['trigger'] =
    fault.trigger.type === 'at'
      ? { atNs: fault.trigger.atNs }
      : {
          when: {
            migration: fault.trigger.migration,
            phase: fault.trigger.phase,
            ...(fault.trigger.round === null ? {} : { round: fault.trigger.round }),
            afterNs: fault.trigger.afterNs,
          },
        };
  const base = { id: `faults[${fault.index}]`, kind: fault.kind, trigger };
  const duration = 'durationNs' in fault && fault.durationNs !== null ? { durationNs: fault.durationNs } : {};
  switch (fault.kind) {
    case 'destination-crash':
      return { ...base, ...duration, params: fault.host === null ? { migration: triggerMigration(fault) } : { host: fault.host } };
    case 'link-down':
      return { ...base, ...duration, params: linkParams(fault.link) };
    case 'bandwidth-drop':
      return { ...base, ...duration, params: { ...linkParams(fault.link), bandwidthBytesPerSec: fault.bandwidthBytesPerSec } };
    case 'latency':
      return { ...base, ...duration, params: { ...linkParams(fault.link), latencyNs: fault.latencyNs } };
    case 'migration-cancel':
      return { ...base, params: { migration: fault.migration } };
  }
}

function linkParams(link: Extract<FaultSpec, { link: unknown }>['link']): Record<string, unknown> {
  switch (link.type) {
    case 'host':
      return { host: link.host };
    case 'path':
      return { between: [link.from, link.to] };
    case 'migration':
      return { migration: link.migration };
  }
}

/** The migration whose destination a crash without a host takes down: the one named in its trigger. */
function triggerMigration(fault: FaultSpec): string {
  if (fault.trigger.type !== 'phase') throw new Error(`faults[${fault.index}]: a destination crash without a host needs a when.migration`);
  return fault.trigger.migration;
}
