import type { ScenarioDocument } from '../document/scenario-schema';
import type { ScenarioSetup } from '../model/scenario';
import type { Issues } from '../schema/issues';
import { normalizeChaos } from './chaos';
import { normalizeChecks, normalizeFaults } from './faults-and-checks';
import { checkHostMemory, normalizeHosts, normalizeVms } from './hosts-and-vms';
import { normalizeMigrations } from './migrations';
import { NormalizeContext } from './normalize-context';
import { normalizePlans, normalizeProbes } from './plans-and-probes';
import { normalizeNetwork } from './network';
import { normalizePolicy } from './policy';
import { References } from './references';
import { VmPopulation } from './vm-population';
import { SCENARIO_LIMITS } from '../limits/scenario-limits';

/**
 * Cross-reference checks and dynamic defaults of one structurally valid
 * document. Problems go to `issues`; the result is only meaningful when none
 * were added.
 */
export function normalizeSetup(document: ScenarioDocument, raw: unknown, variantNames: readonly string[], issues: Issues): ScenarioSetup {
  const context = new NormalizeContext(issues, raw);
  const refs = new References(context, variantNames);
  const horizonNs = document.horizon;
  if (document.sampling.interval > horizonNs) {
    const path = ['sampling', 'interval'];
    context.add(path, context.found(path, ''), 'at most the horizon');
  }
  // Counts are checked before they are expanded: a million names are not made to be refused.
  const policy = normalizePolicy(document.policy);
  const hostsWithin = withinCount(document.hosts, SCENARIO_LIMITS.hosts, 'hosts', context);
  const vmsWithin = withinCount(document.vms, SCENARIO_LIMITS.vms, 'VMs', context);
  if (!hostsWithin || !vmsWithin) {
    return { hosts: [], vms: [], migrations: [], plans: [], probes: [], policy, faults: [], checks: [] };
  }
  const hosts = normalizeHosts(document.hosts, refs, context);
  const network = normalizeNetwork(document.network, hosts, refs, context);
  const vms = normalizeVms(document.vms, refs, context, new VmPopulation(refs, document.seed, refs.racks));
  checkHostMemory(hosts, vms, refs, context);
  const migrations = normalizeMigrations(document.migrations, policy, horizonNs, refs, context);
  const plans = normalizePlans(document.plans, policy, horizonNs, refs, context);
  const probes = normalizeProbes(document.probes, horizonNs, refs, context);
  const faults = normalizeFaults(document.faults, horizonNs, refs, context);
  const checks = normalizeChecks(document.checks, horizonNs, refs, context);
  const chaos = normalizeChaos(document.chaos, horizonNs, refs, context);
  return { hosts, vms, migrations, plans, probes, policy, faults, checks, ...(chaos === undefined ? {} : { chaos }), ...(network === undefined ? {} : { network }) };
}

/** Whether the entries declare at most `limit` hosts (or VMs), counts included; adds the problem otherwise. */
function withinCount(entries: readonly { count?: number }[], limit: number, noun: 'hosts' | 'VMs', context: NormalizeContext): boolean {
  const total = entries.reduce((sum, entry) => sum + (entry.count ?? 1), 0);
  if (total <= limit) return true;
  const key = noun === 'hosts' ? 'hosts' : 'vms';
  context.add([key], `${total.toLocaleString('en-US')} ${noun} (counts included)`, `at most ${limit.toLocaleString('en-US')} ${noun}`);
  return false;
}
