import type { ScenarioDocument } from '../document/scenario-schema';
import { SCENARIO_LIMITS } from '../limits/scenario-limits';
import type { ScenarioSetup, VmSampling } from '../model/scenario';
import { vmsWithModels } from '../model/vms-with-models';
import type { Issues } from '../schema/issues';

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Each variant is a complete setup of its own: their hosts and VMs together
 * must stay within `SCENARIO_LIMITS.setupEntities`. Checked before the
 * variants are built; returns false (with the problem added) when over.
 */
export function checkVariantSetups(document: ScenarioDocument, issues: Issues): boolean {
  const hosts = document.hosts.reduce((sum, entry) => sum + (entry.count ?? 1), 0);
  const vms = document.vms.reduce((sum, entry) => sum + (entry.count ?? 1), 0);
  if (hosts > SCENARIO_LIMITS.hosts || vms > SCENARIO_LIMITS.vms) return true; // reported on hosts or vms
  const setups = Math.max(1, document.variants.length);
  const total = (hosts + vms) * setups;
  if (total <= SCENARIO_LIMITS.setupEntities) return true;
  issues.add(
    ['variants'],
    `${setups} variants of ${fmt(hosts + vms)} hosts and VMs each (${fmt(total)} in all)`,
    `at most ${fmt(SCENARIO_LIMITS.setupEntities)} hosts and VMs over all variants (each variant is a complete setup of its own)`,
  );
  return false;
}

/**
 * Points of every timeline the report may hold: one per sample of each VM
 * the run may build a model for (`vmsWithModels`), in every variant. A
 * report beyond `SCENARIO_LIMITS.reportTimelinePoints` would not fit in one
 * JSON text, so the sampling is refused, with what it would take.
 */
export function checkReportSize(document: ScenarioDocument, sampledVms: VmSampling, setups: readonly ScenarioSetup[], issues: Issues): void {
  const { interval, maxPoints } = document.sampling;
  // As the engine samples: on a grid of max(interval, horizon / maxPoints), from 0 to the horizon.
  const gridNs = Math.max(interval, Math.ceil(document.horizon / Math.max(1, maxPoints)));
  const perTimeline = Math.floor(document.horizon / gridNs) + 1;
  const timelines = setups.reduce((sum, setup) => sum + keptTimelines(vmsWithModels(setup).map((vm) => vm.name), sampledVms), 0);
  const points = perTimeline * timelines;
  if (points <= SCENARIO_LIMITS.reportTimelinePoints) return;
  const most = Math.max(1, Math.floor(SCENARIO_LIMITS.reportTimelinePoints / timelines) - 1);
  issues.add(
    ['sampling'],
    `${fmt(perTimeline)} points per timeline x ${fmt(timelines)} timelines (VMs migrated, probed or planned that sampling.vms keeps, over ${setups.length} variant${setups.length === 1 ? '' : 's'}) = ${fmt(points)} points`,
    `at most ${fmt(SCENARIO_LIMITS.reportTimelinePoints)} timeline points in a report: a maxPoints of at most ${fmt(most)}, or a longer interval`,
  );
}

/** Of the VMs with models, how many keep a timeline in the report (`sampling.vms`). */
function keptTimelines(withModels: readonly string[], sampled: VmSampling): number {
  if (sampled === 'all') return withModels.length;
  if (sampled === 'none') return 0;
  if (sampled === 'interesting') return Math.min(SCENARIO_LIMITS.interestingTimelines, withModels.length);
  const named = new Set(sampled.names);
  return withModels.filter((vm) => named.has(vm)).length;
}
