import { OrchestrationError, planDrainMoves, type DrainHost, type DrainVm } from '@migsim/orchestration';
import type { Scenario, ScenarioVariant } from '@migsim/scenario';
import type { ShardAssignment } from '@migsim/protocol';

/** How many migrations each pair of hosts is expected to carry between them: host -> peer -> count. */
type Affinity = Map<string, Map<string, number>>;

/**
 * Spreads a scenario's hosts over shards: hosts that hold VMs at time 0 go to
 * the `source` shards, the others to the `destination` shards (either list may
 * be empty: then every host goes to the other). Within a role, hosts expected
 * to migrate VMs between them share a shard where the shards stay balanced (at
 * most one host more than an even share each): the pages of a migration
 * between two hosts of one shard never leave the process, those of any other
 * migration go through Redis twice (to the coordinator, then on to the
 * recipient's shard). Hosts with no expected migration fill the shards evenly,
 * in the scenario's order (round robin when nothing migrates).
 *
 * The plan changes which process steps which host, never what happens: a
 * run's report does not depend on it, so an expectation that turns out wrong
 * (a retry to another host, a drain ordered by measured dirty rates) costs
 * only Redis traffic.
 */
export function planShards(scenario: Scenario, sourceShards: readonly string[], destinationShards: readonly string[]): ShardAssignment[] {
  const all = [...sourceShards, ...destinationShards];
  if (all.length === 0) throw new Error('a run needs at least one shard');
  const holding = new Set(scenario.variants.flatMap((variant) => variant.vms.map((vm) => vm.host)));
  const hosts = [...new Set(scenario.variants.flatMap((variant) => variant.hosts.map((host) => host.name)))];
  const toSource = (host: string) => sourceShards.length > 0 && (holding.has(host) || destinationShards.length === 0);
  const affinity = expectedMigrations(scenario);
  const assignments = new Map(all.map((id) => [id, [] as string[]]));
  for (const [shards, members] of [
    [sourceShards, hosts.filter(toSource)],
    [destinationShards, hosts.filter((host) => !toSource(host))],
  ] as const) {
    if (members.length > 0) spread(members, shards, affinity, assignments);
  }
  const position = new Map(hosts.map((host, index) => [host, index]));
  return all.map((id) => ({ id, hosts: assignments.get(id)!.sort((a, b) => position.get(a)! - position.get(b)!) }));
}

/**
 * Greedy: hosts with the most expected migrations first, each to the shard
 * holding most of its peers so far among those with room; ties (no peer
 * placed yet, or hosts with no migration at all) to the emptiest shard, the
 * first one listed among equals.
 */
function spread(members: readonly string[], shards: readonly string[], affinity: Affinity, assignments: Map<string, string[]>): void {
  const capacity = Math.ceil(members.length / shards.length);
  const inRole = new Set(members);
  const weightOf = (host: string) => {
    let weight = 0;
    for (const [peer, count] of affinity.get(host) ?? []) if (inRole.has(peer) && peer !== host) weight += count;
    return weight;
  };
  const weights = new Map(members.map((host) => [host, weightOf(host)]));
  const order = members.map((host, index) => ({ host, index, weight: weights.get(host)! })).sort((a, b) => b.weight - a.weight || a.index - b.index);
  const shardOf = new Map<string, string>();
  for (const { host } of order) {
    let best: string | undefined;
    let bestScore = -1;
    for (const shard of shards) {
      const count = assignments.get(shard)!.length;
      if (count >= capacity) continue;
      let score = 0;
      for (const [peer, weight] of affinity.get(host) ?? []) if (shardOf.get(peer) === shard) score += weight;
      if (score > bestScore || (score === bestScore && count < assignments.get(best!)!.length)) {
        best = shard;
        bestScore = score;
      }
    }
    shardOf.set(host, best!);
    assignments.get(best!)!.push(host);
  }
}

/**
 * The migrations a run is expected to make, as host pairs: every explicit
 * migration, and every drain plan's moves as the controller places them at
 * the plan's time from the initial placement (the same rule,
 * `planDrainMoves`, with the moves of earlier plans reserving memory on their
 * destinations; declared dirty rates stand in for measured ones).
 */
function expectedMigrations(scenario: Scenario): Affinity {
  const affinity: Affinity = new Map();
  const add = (a: string, b: string) => {
    if (a === b) return;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const peers = affinity.get(from) ?? new Map<string, number>();
      peers.set(to, (peers.get(to) ?? 0) + 1);
      affinity.set(from, peers);
    }
  };
  for (const variant of scenario.variants) {
    const hostOf = new Map(variant.vms.map((vm) => [vm.name, vm.host]));
    for (const migration of variant.migrations) {
      const source = hostOf.get(migration.vm);
      if (source !== undefined) add(source, migration.to);
    }
    for (const move of expectedDrainMoves(variant)) add(move.sourceHost, move.destinationHost);
  }
  return affinity;
}

function expectedDrainMoves(variant: ScenarioVariant): { sourceHost: string; destinationHost: string }[] {
  const drains = variant.plans.flatMap((plan) => (plan.kind === 'drain' ? [plan] : [])).sort((a, b) => a.atNs - b.atNs);
  if (drains.length === 0) return [];
  const rackOf = new Map((variant.network?.racks ?? []).flatMap((rack) => rack.hosts.map((host) => [host, rack.name] as const)));
  const hosts: DrainHost[] = variant.hosts.map((host) => {
    const entry: DrainHost = { name: host.name, memoryBytes: host.memoryBytes, up: true };
    const rack = rackOf.get(host.name);
    if (rack !== undefined) entry.rack = rack;
    return entry;
  });
  const vms: DrainVm[] = variant.vms.map((vm) => {
    const entry: DrainVm = { name: vm.name, host: vm.host, memoryBytes: vm.memoryBytes, dirtyRateBytesPerSec: vm.workload.dirtyRateBytesPerSec };
    if (vm.antiAffinity !== undefined) entry.antiAffinity = vm.antiAffinity;
    return entry;
  });
  const byName = new Map(vms.map((vm) => [vm.name, vm]));
  const reserved: DrainVm[] = [];
  const moves: { sourceHost: string; destinationHost: string }[] = [];
  for (const plan of drains) {
    try {
      const result = planDrainMoves(plan.hosts, hosts, [...vms, ...reserved], { order: plan.order, candidates: plan.to, destination: plan.destination });
      for (const move of result.moves) {
        moves.push(move);
        const vm = byName.get(move.vmName)!;
        const entry: DrainVm = { name: `reserved:${plan.id}/${vm.name}`, host: move.destinationHost, memoryBytes: vm.memoryBytes };
        if (vm.antiAffinity !== undefined) entry.antiAffinity = vm.antiAffinity;
        reserved.push(entry);
      }
    } catch (error) {
      // A plan the controller will refuse moves nothing.
      if (!(error instanceof OrchestrationError)) throw error;
    }
  }
  return moves;
}
