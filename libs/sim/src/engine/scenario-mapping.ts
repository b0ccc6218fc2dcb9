import type { FaultSpec as OrchestrationFault } from '@migsim/orchestration';
import type { DowntimeSteps, FaultSpec, MigrationParams } from '@migsim/scenario';
import { GIB } from './constants';

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
      return { ...base, ...duration, params: { host: fault.host } };
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
  return link.type === 'host' ? { host: link.host } : { between: [link.from, link.to] };
}

/**
 * Nova's stepped downtime (`_migration_downtime_steps`, nova/virt/libvirt/migration.py):
 * `steps + 1` (delay, downtime) pairs; delay = i x delayPerGiB x GiB of RAM,
 * downtime = base + offset x i with base = max / steps, offset = (max - base) / steps.
 */
export function downtimeSchedule(steps: DowntimeSteps, memoryBytes: number): { afterNs: number; downtimeLimitMs: number }[] {
  const delayNs = steps.delayNsPerGiB * (memoryBytes / GIB);
  const maxMs = steps.maxDowntimeNs / 1e6;
  const base = maxMs / steps.steps;
  const offset = (maxMs - base) / steps.steps;
  const schedule: { afterNs: number; downtimeLimitMs: number }[] = [];
  for (let i = 0; i <= steps.steps; i += 1) schedule.push({ afterNs: Math.floor(delayNs * i), downtimeLimitMs: Math.floor(base + offset * i) });
  return schedule;
}
