import type { DowntimeSteps } from '@migsim/scenario';
import { GIB } from '../constants';

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
