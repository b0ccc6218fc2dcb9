import type { Scenario } from '@migsim/scenario';

/**
 * The report's coarse grid: the scenario's sampling interval, widened so a
 * series over the whole horizon has at most `sampling.maxPoints` points
 * (timelines and link loads share it).
 */
export function reportGridNs(scenario: Pick<Scenario, 'horizonNs' | 'sampling'>): number {
  return Math.max(scenario.sampling.intervalNs, Math.ceil(scenario.horizonNs / Math.max(1, scenario.sampling.maxTimelinePoints)));
}
