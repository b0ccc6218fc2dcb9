import type { ScenarioDocument } from '../document/scenario-schema';
import type { PlanSpec, PolicySpec, ProbeSpec } from '../model/scenario';
import { describeFound, type Path } from '../schema/issues';
import { formatDuration } from '../units/format-units';
import { checkWithinHorizon, resolveMigrationParams } from './migrations';
import type { NormalizeContext } from './normalize-context';
import type { References } from './references';

type PlanEntry = ScenarioDocument['plans'][number];
type ProbeEntry = ScenarioDocument['probes'][number];

const DIRTY_RATE_ORDERS: readonly string[] = ['highest-dirty-rate', 'lowest-dirty-rate'];

/**
 * Plans, and the ids of the migrations they generate (`<plan id>/<vm>`) so
 * that faults and checks can name them. A drain's VMs are those placed on the
 * host at time 0; its destinations are chosen at run time unless `to` names
 * exactly one host.
 */
export function normalizePlans(
  entries: readonly PlanEntry[],
  policy: PolicySpec,
  horizonNs: number,
  refs: References,
  context: NormalizeContext,
): PlanSpec[] {
  const plans: PlanSpec[] = [];
  const owners = new Map<string, number>();
  entries.forEach((entry, index) => {
    const path: Path = ['plans', index];
    checkWithinHorizon(entry.at, horizonNs, [...path, 'at'], context);
    const params = resolveMigrationParams(entry.params, policy, [...path, 'params'], context);
    const plan = 'drain' in entry ? drainPlan(entry, path, params, refs, context) : balancePlan(entry, path, params, refs, context);
    if (plan === undefined) return;
    const owner = owners.get(plan.id);
    if (owner !== undefined) {
      context.add([...path, 'id'], context.found([...path, 'id'], `"${plan.id}" (the default)`), `an id no other plan uses (plans[${owner}] has it)`);
      return;
    }
    owners.set(plan.id, index);
    plans.push(plan);
    if (plan.kind !== 'drain') return;
    const destination = plan.to.length === 1 ? (plan.to[0] ?? null) : null;
    for (const vm of refs.vms.values()) {
      if (vm.host !== plan.host) continue;
      const id = `${plan.id}/${vm.name}`;
      refs.migrations.set(id, { id, vm: vm.name, from: plan.host, to: destination, params: plan.params });
    }
  });
  return plans;
}

type DrainEntry = Extract<PlanEntry, { drain: string }>;
type BalanceEntry = Exclude<PlanEntry, DrainEntry>;

function drainPlan(entry: DrainEntry, path: Path, params: PlanSpec['params'], refs: References, context: NormalizeContext): PlanSpec | undefined {
  const host = refs.host(entry.drain, [...path, 'drain']);
  const to = entry.to ?? [...refs.hosts.keys()].filter((name) => name !== entry.drain);
  let valid = host !== undefined;
  (entry.to ?? []).forEach((name, index) => {
    if (refs.host(name, [...path, 'to', index]) === undefined) valid = false;
    else if (name === entry.drain) {
      context.add([...path, 'to', index], describeFound(name), `a host other than the drained host ${entry.drain}`);
      valid = false;
    }
  });
  if (host !== undefined && to.length === 0) {
    context.add([...path, 'drain'], describeFound(entry.drain), 'a host with somewhere to go: declare another host');
    valid = false;
  }
  const byDirtyRate = DIRTY_RATE_ORDERS.includes(entry.order);
  if (entry.probe !== undefined && !byDirtyRate) {
    context.add([...path, 'probe'], describeFound(entry.probe), `no probe with order ${entry.order} (it measures dirty rates for the dirty-rate orders)`);
    valid = false;
  }
  if (!valid) return undefined;
  return {
    kind: 'drain',
    id: entry.id ?? `drain-${entry.drain}`,
    host: entry.drain,
    atNs: entry.at,
    to,
    order: entry.order,
    probe: byDirtyRate ? (entry.probe ?? 'page-sampling') : null,
    params,
  };
}

function balancePlan(entry: BalanceEntry, path: Path, params: PlanSpec['params'], refs: References, context: NormalizeContext): PlanSpec | undefined {
  const hosts = entry.balance === 'all' ? [...refs.hosts.keys()] : entry.balance;
  let valid = true;
  if (entry.balance !== 'all') {
    entry.balance.forEach((name, index) => {
      if (refs.host(name, [...path, 'balance', index]) === undefined) valid = false;
      else if (entry.balance.indexOf(name) !== index) {
        context.add([...path, 'balance', index], describeFound(name), 'each host once');
        valid = false;
      }
    });
  } else if (hosts.length < 2) {
    context.add([...path, 'balance'], '"all" with a single host', 'at least two hosts to balance');
    valid = false;
  }
  if (!valid) return undefined;
  return { kind: 'balance', id: entry.id ?? 'balance', hosts, atNs: entry.at, tolerance: entry.tolerance, maxMigrations: entry.maxMigrations ?? null, params };
}

export function normalizeProbes(entries: readonly ProbeEntry[], horizonNs: number, refs: References, context: NormalizeContext): ProbeSpec[] {
  const probes: ProbeSpec[] = [];
  const perVm = new Map<string, number>();
  const owners = new Map<string, number>();
  entries.forEach((entry, index) => {
    const path: Path = ['probes', index];
    const count = (perVm.get(entry.vm) ?? 0) + 1;
    perVm.set(entry.vm, count);
    const vmKnown = refs.vm(entry.vm, [...path, 'vm']) !== undefined;
    checkWithinHorizon(entry.at, horizonNs, [...path, 'at'], context);
    if (entry.at < horizonNs && entry.at + entry.duration > horizonNs) {
      const durationPath = [...path, 'duration'];
      context.add(durationPath, context.found(durationPath, ''), `a duration that ends the probe by the horizon (${formatDuration(horizonNs)})`);
    }
    const id = entry.id ?? `probe-${entry.vm}-${count}`;
    const owner = owners.get(id);
    if (owner !== undefined) {
      context.add([...path, 'id'], context.found([...path, 'id'], `"${id}" (the default)`), `an id no other probe uses (probes[${owner}] has it)`);
      return;
    }
    owners.set(id, index);
    if (vmKnown) probes.push({ id, vm: entry.vm, atNs: entry.at, durationNs: entry.duration, mode: entry.mode });
  });
  return probes;
}
