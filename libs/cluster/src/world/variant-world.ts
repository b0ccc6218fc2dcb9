import type { Scenario, ScenarioVariant } from '@migsim/scenario';
import { DEFAULT_CONTROL_LATENCY_NS, MIN_PATH_LATENCY_NS } from '../constants';
import { Rng } from '../core/rng';
import { ControllerActor } from '../controller/controller-actor';
import { HostActor } from '../host/host-actor';
import type { ClusterMessage } from '../messages/messages';
import { CONTROLLER_ID, hostActorId, type ActorId, type Outbound } from './actor';
import type { ClusterTestHooks } from './test-hooks';

/**
 * Everything needed to build a variant's actors, the same way in every
 * runtime: the engine builds them all, a services process only those of its
 * shard. Seeds follow the engine's forks (`variant:<name>`, then
 * `vm:<name>`, then `placement:<n>`), so an actor built anywhere draws
 * exactly what it would draw anywhere else.
 */
export class VariantWorld {
  readonly controlLatencyNs: number;
  /** Every message takes at least this long: the services' windows never need to be shorter. */
  readonly lookaheadNs: number;
  readonly sampleIntervalNs: number;
  /** Actor ids in rank order: the controller, then the hosts in the variant's order. */
  readonly actorIds: readonly ActorId[];
  private readonly variantRng: Rng;
  private readonly ranks = new Map<ActorId, number>();

  constructor(
    readonly scenario: Scenario,
    readonly variant: ScenarioVariant,
    seed: number,
    readonly hooks: ClusterTestHooks = {},
  ) {
    this.variantRng = new Rng(seed).fork(`variant:${variant.name}`);
    this.controlLatencyNs = DEFAULT_CONTROL_LATENCY_NS;
    const minAccess = variant.hosts.reduce((min, host) => Math.min(min, host.latencyNs), Infinity);
    const minPath = Math.max(MIN_PATH_LATENCY_NS, 2 * (Number.isFinite(minAccess) ? minAccess : 0));
    this.lookaheadNs = Math.min(this.controlLatencyNs, minPath);
    this.sampleIntervalNs = Math.max(scenario.sampling.intervalNs, Math.ceil(scenario.horizonNs / Math.max(1, scenario.sampling.maxTimelinePoints)));
    this.actorIds = [CONTROLLER_ID, ...variant.hosts.map((host) => hostActorId(host.name))];
    this.actorIds.forEach((id, rank) => this.ranks.set(id, rank));
  }

  rankOf(id: ActorId): number {
    const rank = this.ranks.get(id);
    if (rank === undefined) throw new Error(`variant ${this.variant.name} has no actor ${id}`);
    return rank;
  }

  createController(out: Outbound<ClusterMessage>): ControllerActor {
    return new ControllerActor({ scenario: this.scenario, variant: this.variant, controlLatencyNs: this.controlLatencyNs, hooks: this.hooks }, out);
  }

  createHost(name: string, out: Outbound<ClusterMessage>): HostActor {
    const spec = this.variant.hosts.find((host) => host.name === name);
    if (spec === undefined) throw new Error(`variant ${this.variant.name} has no host ${name}`);
    return new HostActor(
      {
        scenario: this.scenario,
        variant: this.variant,
        spec,
        variantRng: this.variantRng,
        controlLatencyNs: this.controlLatencyNs,
        sampleIntervalNs: this.sampleIntervalNs,
        watchedFractions: (vm) => this.watchedFractions(vm),
        hooks: this.hooks,
      },
      out,
    );
  }

  /** Levels of throughput that `recovers` checks ask about for `vm` in this variant. */
  watchedFractions(vm: string): number[] {
    const fractions: number[] = [];
    for (const check of this.variant.checks) {
      if (check.kind !== 'recovers' || check.vm !== vm) continue;
      if (check.variants !== null && !check.variants.includes(this.variant.name)) continue;
      fractions.push(check.toFraction);
    }
    return fractions;
  }
}
