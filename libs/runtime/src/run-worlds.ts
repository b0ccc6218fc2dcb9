import { VariantWorld, type ClusterTestHooks } from '@migsim/cluster';
import { loadScenario, type Scenario } from '@migsim/scenario';
import type { ShardAssignment } from '@migsim/protocol';

/**
 * One run's variants as worlds, built the same way by the coordinator and
 * by every shard from the scenario text and the seed, plus where each host
 * is served. A run's variants never exchange messages: each is a world of
 * its own, and they advance together only because they share the windows.
 */
export class RunWorlds {
  readonly scenario: Scenario;
  readonly worlds: readonly VariantWorld[];
  /** The smallest message latency of any variant: no window needs to be shorter. */
  readonly lookaheadNs: number;
  private readonly shardOfHost = new Map<string, string>();

  constructor(
    scenarioText: string,
    scenarioFile: string,
    readonly seed: number,
    readonly shards: readonly ShardAssignment[],
    hooks: ClusterTestHooks = {},
  ) {
    this.scenario = loadScenario(scenarioText, scenarioFile);
    this.worlds = this.scenario.variants.map((variant) => new VariantWorld(this.scenario, variant, seed, hooks));
    this.lookaheadNs = Math.min(...this.worlds.map((world) => world.lookaheadNs));
    for (const shard of shards) for (const host of shard.hosts) this.shardOfHost.set(host, shard.id);
    for (const world of this.worlds) {
      for (const host of world.variant.hosts) {
        if (!this.shardOfHost.has(host.name)) throw new Error(`host ${host.name} of variant ${world.variant.name} is in no shard`);
      }
    }
  }

  get horizonNs(): number {
    return this.scenario.horizonNs;
  }

  shardOf(host: string): string {
    const shard = this.shardOfHost.get(host);
    if (shard === undefined) throw new Error(`host ${host} is in no shard`);
    return shard;
  }

  hostsOf(shard: string): string[] {
    return this.shards.find((candidate) => candidate.id === shard)?.hosts ?? [];
  }
}

/**
 * Spreads a scenario's hosts over shards: hosts that hold VMs at time 0 go to
 * the `source` shards, the others to the `destination` shards, round robin in
 * the scenario's order (either list may be empty: then every host goes to
 * the other). The plan changes which process steps which host, never what
 * happens: a run's report does not depend on it.
 */
export function planShards(scenario: Scenario, sourceShards: readonly string[], destinationShards: readonly string[]): ShardAssignment[] {
  const all = [...sourceShards, ...destinationShards];
  if (all.length === 0) throw new Error('a run needs at least one shard');
  const holding = new Set(scenario.variants.flatMap((variant) => variant.vms.map((vm) => vm.host)));
  const hosts = [...new Set(scenario.variants.flatMap((variant) => variant.hosts.map((host) => host.name)))];
  const assignments = new Map(all.map((id) => [id, [] as string[]]));
  let nextSource = 0;
  let nextDestination = 0;
  for (const host of hosts) {
    const toSource = sourceShards.length > 0 && (holding.has(host) || destinationShards.length === 0);
    const list = toSource ? sourceShards : destinationShards.length > 0 ? destinationShards : sourceShards;
    const index = toSource ? nextSource++ : nextDestination++;
    assignments.get(list[index % list.length]!)!.push(host);
  }
  return all.map((id) => ({ id, hosts: assignments.get(id)! }));
}
