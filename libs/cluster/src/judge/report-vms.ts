import { interestingVms, type MigrationReport, type NetworkUsage, type VariantReport, type VmReport } from '@migsim/report';
import { SAMPLE_ALL_VMS_UP_TO, type NetworkSpec } from '@migsim/scenario';
import { staysOf, type RunFacts } from './run-facts';

/**
 * The VMs a variant's report lists, by `sampling.vms`: with `all`, every
 * VM with its timeline; otherwise the VMs that migrated or recovered (for
 * the per-migration rows and the recoveries) plus the ones named, and only
 * the selected ones keep a timeline — the named ones, or with `interesting`
 * the VMs `interestingVms` ranks first (the failed, the slowest, the most
 * degraded). A study's report then grows with what the user asked for, not
 * with the number of VMs.
 */
export function reportVms(facts: RunFacts, migrations: readonly MigrationReport[]): VmReport[] {
  const sampling = facts.scenario.sampling.vms;
  const listed = typeof sampling === 'object' ? new Set(sampling.names) : undefined;
  const migrated = new Set(migrations.map((migration) => migration.vm));
  const vms: VmReport[] = [];
  const timelines = new Map<string, VmReport['timeline']>();
  for (const spec of facts.variant.vms) {
    const stays = staysOf(facts, spec.name);
    const recoveries = stays.flatMap((stay) => stay.recoveries).sort((a, b) => a.startMs - b.startMs);
    const named = listed?.has(spec.name) ?? false;
    if (sampling !== 'all' && !named && !migrated.has(spec.name) && recoveries.length === 0) continue;
    const last = stays.filter((stay) => stay.endState !== 'migrated').at(-1) ?? stays.at(-1);
    const keep = sampling === 'all' || named || sampling === 'interesting';
    const timeline = keep ? stays.flatMap((stay) => stay.timeline).sort((a, b) => a.tMs - b.tMs) : [];
    if (sampling === 'interesting') timelines.set(spec.name, timeline);
    vms.push({ name: spec.name, host: last?.host ?? spec.host, memoryBytes: spec.memoryBytes, vcpus: spec.vcpus, timeline: sampling === 'interesting' ? [] : timeline, recoveries });
  }
  if (sampling === 'interesting') {
    const ranked = interestingVms([{ name: facts.variant.name, migrations: [...migrations], vms } as unknown as VariantReport]);
    for (const chosen of ranked) {
      const vm = vms.find((candidate) => candidate.name === chosen.vm);
      if (vm !== undefined) vm.timeline = timelines.get(chosen.vm) ?? [];
    }
  }
  return vms;
}

/** Each host's rack, by the network section. */
export function rackOfHosts(network: NetworkSpec | undefined): Map<string, string> {
  const racks = new Map<string, string>();
  for (const rack of network?.racks ?? []) for (const host of rack.hosts) racks.set(host, rack.name);
  return racks;
}

/**
 * The variant's link loads (`VariantReport.network`), in a study only: a
 * scenario with a network section or more than `SAMPLE_ALL_VMS_UP_TO` VMs,
 * and only when some migration ran.
 */
export function reportNetwork(facts: RunFacts): { network?: NetworkUsage } {
  const variant = facts.variant;
  const study = variant.network !== undefined || variant.vms.length > SAMPLE_ALL_VMS_UP_TO;
  if (!study || facts.controller.network.length === 0) return {};
  return { network: { migrationNetwork: (variant.network?.migrationNetwork ?? null) !== null, tiers: facts.controller.network } };
}
