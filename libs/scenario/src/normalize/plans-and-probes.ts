import type { ScenarioDocument } from '../document/scenario-schema';
import type { PlanSpec, PolicySpec, ProbeSpec } from '../model/scenario';
import { describeFound, type Path } from '../schema/issues';
import { formatDuration } from '../units/format-units';
import { checkLastWithinHorizon, checkWithinHorizon, resolveMigrationParams } from './migrations';
import { resolveNameSet } from './name-sets';
import { listNames, type NormalizeContext } from './normalize-context';
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
    const params = resolveMigrationParams(entry.params, policy, [...path, 'params'], context);
    const expanded = 'drain' in entry ? expandDrainEntry(entry, path, context) : [entry];
    checkWithinHorizon(entry.at, horizonNs, [...path, 'at'], context);
    if (expanded.length > 1) checkLastWithinHorizon(expanded[expanded.length - 1]!.at, expanded.length, 'drains', horizonNs, path, context);
    for (const one of expanded) {
      const plan = 'drain' in one ? drainPlan(one, path, params, refs, context) : balancePlan(one, path, params, refs, context);
      if (plan === undefined) continue;
      const owner = owners.get(plan.id);
      if (owner !== undefined) {
        context.add([...path, 'id'], context.found([...path, 'id'], `"${plan.id}" (the default)`), `an id no other plan uses (plans[${owner}] has it)`);
        continue;
      }
      owners.set(plan.id, index);
      plans.push(plan);
      if (plan.kind === 'drain') registerDrainMigrations(plan, refs);
    }
  });
  return plans;
}

/** The ids of a drain's migrations (`<plan id>/<vm>`), so that faults and checks can name them. */
export function registerDrainMigrations(plan: Extract<PlanSpec, { kind: 'drain' }>, refs: References): void {
  const drained = new Set(plan.hosts);
  const destination = plan.to.length === 1 ? (plan.to[0] ?? null) : null;
  for (const vm of refs.vms.values()) {
    if (!drained.has(vm.host)) continue;
    const id = `${plan.id}/${vm.name}`;
    refs.migrations.set(id, { id, vm: vm.name, from: vm.host, to: destination, params: plan.params });
  }
}

/** A drain with `count` is `count` drains: {i} in its host and id, starts `every` apart. */
function expandDrainEntry(entry: DrainEntry, path: Path, context: NormalizeContext): DrainEntry[] {
  if (entry.count === undefined) {
    if (entry.every !== undefined) context.add([...path, 'every'], context.found([...path, 'every'], ''), 'no every without count (it spaces the drains of a count)');
    for (const [key, value] of [['drain', typeof entry.drain === 'string' ? entry.drain : ''], ['id', entry.id ?? '']] as const) {
      if (value.includes('{i}')) context.add([...path, key], describeFound(value), 'a name without {i} (add count to declare several drains)');
    }
    return [entry];
  }
  if (typeof entry.drain !== 'string' || !entry.drain.includes('{i}')) {
    context.add([...path, 'drain'], context.found([...path, 'drain'], ''), 'a host name with {i} (each drain of a count empties its own host, such as h-{i})');
    return [entry];
  }
  const template = entry.drain;
  return Array.from({ length: entry.count }, (_, k) => ({
    ...entry,
    drain: template.replaceAll('{i}', String(k + 1)),
    ...(entry.id === undefined ? {} : { id: entry.id.replaceAll('{i}', String(k + 1)) }),
    at: entry.at + k * (entry.every ?? 0),
  }));
}

type DrainEntry = Extract<PlanEntry, { drain: unknown }>;
type BalanceEntry = Exclude<PlanEntry, DrainEntry>;

function drainPlan(entry: DrainEntry, path: Path, params: PlanSpec['params'], refs: References, context: NormalizeContext): PlanSpec | undefined {
  const drainPath: Path = typeof entry.drain === 'string' ? [...path, 'drain'] : [...path, 'drain', 'hosts'];
  const written = typeof entry.drain === 'string' ? entry.drain : entry.drain.hosts;
  const hosts = resolveNameSet(written, drainPath, refs.hosts, 'host', context, refs.racks);
  let valid = hosts !== undefined;
  const drained = new Set(hosts ?? []);
  const to = entry.to === undefined ? [...refs.hosts.keys()].filter((name) => !drained.has(name)) : resolveNameSet(entry.to, [...path, 'to'], refs.hosts, 'host', context, refs.racks);
  if (to === undefined) valid = false;
  else if (entry.to !== undefined) {
    const both = to.filter((name) => drained.has(name));
    if (both.length > 0) {
      context.add([...path, 'to'], context.found([...path, 'to'], ''), `hosts other than the drained ones (${listNames(both, 3)} ${both.length === 1 ? 'is' : 'are'} drained)`);
      valid = false;
    }
  }
  if (hosts !== undefined && to !== undefined && to.length === 0) {
    context.add(drainPath, context.found(drainPath, ''), 'hosts with somewhere to go: declare another host');
    valid = false;
  }
  const byDirtyRate = DIRTY_RATE_ORDERS.includes(entry.order);
  if (entry.probe !== undefined && !byDirtyRate) {
    const why = entry.order === 'dirty-rate' ? 'it orders by the declared dirtyRate; use lowest-dirty-rate to measure' : 'it measures dirty rates for the dirty-rate orders';
    context.add([...path, 'probe'], describeFound(entry.probe), `no probe with order ${entry.order} (${why})`);
    valid = false;
  }
  if (entry.destination === 'same-rack-first' && refs.racks.size === 0) {
    context.add([...path, 'destination'], describeFound(entry.destination), 'least-loaded, or racks in network.racks (same-rack-first needs racks)');
    valid = false;
  }
  if (!valid || hosts === undefined || to === undefined) return undefined;
  const single = hosts.length === 1 ? hosts[0]! : `${hosts[0]}..${hosts[hosts.length - 1]}`;
  return {
    kind: 'drain',
    id: entry.id ?? `drain-${typeof entry.drain === 'string' && hosts.length > 1 ? entry.drain : single}`,
    hosts,
    atNs: entry.at,
    to,
    order: entry.order,
    destination: entry.destination,
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
