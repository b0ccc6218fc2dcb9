import type { ScenarioSetup, VmSpec } from './scenario';

/**
 * The VMs a run may build models for (MMU, guest, page state) and chart: a
 * VM nothing migrates, probes or plans to move stays a spec and costs
 * nothing. Those are the VMs of explicit migrations and probes, and every VM
 * placed at the start on a host a plan drains or balances (VMs that migrate
 * onto such a host are already counted by their migration).
 */
export function vmsWithModels(setup: Pick<ScenarioSetup, 'vms' | 'migrations' | 'probes' | 'plans'>): VmSpec[] {
  const named = new Set<string>();
  for (const migration of setup.migrations) named.add(migration.vm);
  for (const probe of setup.probes) named.add(probe.vm);
  const plannedHosts = new Set<string>();
  for (const plan of setup.plans) {
    if (plan.kind === 'drain') for (const host of plan.hosts) plannedHosts.add(host);
    else for (const host of plan.hosts) plannedHosts.add(host);
  }
  return setup.vms.filter((vm) => named.has(vm.name) || plannedHosts.has(vm.host));
}
