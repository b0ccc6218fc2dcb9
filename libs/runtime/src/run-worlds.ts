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
  /**
   * The shards that serve at least one host: the only ones a run's windows
   * involve, since a shard without hosts has nothing to run, send or
   * receive (a drain study's hosts all hold VMs, so every one of them goes to
   * a source shard and the destination shards get none).
   */
  readonly activeShards: readonly ShardAssignment[];
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
    const serving = shards.filter((shard) => shard.hosts.length > 0);
    this.activeShards = serving.length > 0 ? serving : shards;
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
