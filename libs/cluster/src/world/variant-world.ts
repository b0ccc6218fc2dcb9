import { faultsFromEntries, type HostSpec, type Scenario, type ScenarioVariant, type VmSpec } from '@migsim/scenario';
import { drawChaos, type FaultEntry } from '../chaos/draw-chaos';
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
 * shard. Seeds follow the engine's forks (`workload`, then `vm:<name>`,
 * then `placement:<n>`), so an actor built anywhere draws exactly what it
 * would draw anywhere else. None of them depends on the variant: every
 * variant of one seed runs the same workload, so the variants of a seed are
 * paired and their differences are the variants' own.
 */
export class VariantWorld {
  readonly controlLatencyNs: number;
  /** Every message takes at least this long: the services' windows never need to be shorter. */
  readonly lookaheadNs: number;
  readonly sampleIntervalNs: number;
  /** Actor ids in rank order: the controller, then the hosts in the variant's order. */
  readonly actorIds: readonly ActorId[];
  private readonly workloadRng: Rng;
  private readonly ranks = new Map<ActorId, number>();
  /** Hosts by name, and the VMs each holds at t = 0: built once, so a 2,000-host world does not scan 20,000 VMs per host. */
  private hostIndex: Map<string, { spec: HostSpec; vms: VmSpec[] }> | undefined;

  /**
   * The variant as this run plays it: with a chaos section, the faults the
   * seed drew follow the file's own (and `drawnFaults` lists them as plain
   * entries for the report).
   */
  readonly variant: RunVariant;

  constructor(
    readonly scenario: Scenario,
    variant: ScenarioVariant,
    seed: number,
    readonly hooks: ClusterTestHooks = {},
  ) {
    this.variant = withDrawnFaults(scenario, variant, seed);
    this.workloadRng = new Rng(seed).fork('workload');
    this.controlLatencyNs = DEFAULT_CONTROL_LATENCY_NS;
    const minAccess = this.variant.hosts.reduce((min, host) => Math.min(min, host.latencyNs), Infinity);
    const minPath = Math.max(MIN_PATH_LATENCY_NS, 2 * (Number.isFinite(minAccess) ? minAccess : 0));
    this.lookaheadNs = Math.min(this.controlLatencyNs, minPath);
    this.sampleIntervalNs = Math.max(scenario.sampling.intervalNs, Math.ceil(scenario.horizonNs / Math.max(1, scenario.sampling.maxTimelinePoints)));
    this.actorIds = [CONTROLLER_ID, ...this.variant.hosts.map((host) => hostActorId(host.name))];
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
    const entry = this.hostsByName().get(name);
    if (entry === undefined) throw new Error(`variant ${this.variant.name} has no host ${name}`);
    return new HostActor(
      {
        scenario: this.scenario,
        variant: this.variant,
        spec: entry.spec,
        vms: entry.vms,
        workloadRng: this.workloadRng,
        controlLatencyNs: this.controlLatencyNs,
        sampleIntervalNs: this.sampleIntervalNs,
        watchedFractions: (vm) => this.watchedFractions(vm),
        hooks: this.hooks,
      },
      out,
    );
  }

  private hostsByName(): Map<string, { spec: HostSpec; vms: VmSpec[] }> {
    if (this.hostIndex !== undefined) return this.hostIndex;
    const index = new Map<string, { spec: HostSpec; vms: VmSpec[] }>();
    for (const spec of this.variant.hosts) index.set(spec.name, { spec, vms: [] });
    for (const vm of this.variant.vms) index.get(vm.host)?.vms.push(vm);
    this.hostIndex = index;
    return index;
  }

  /** Levels of throughput that `recovers` and `vms-recover` checks ask about for `vm` in this variant. */
  watchedFractions(vm: string): number[] {
    const fractions: number[] = [];
    for (const check of this.variant.checks) {
      if (!((check.kind === 'recovers' && check.vm === vm) || check.kind === 'vms-recover')) continue;
      if (check.variants !== null && !check.variants.includes(this.variant.name)) continue;
      fractions.push(check.toFraction);
    }
    return fractions;
  }
}

/** A variant as one run plays it. */
export interface RunVariant extends ScenarioVariant {
  /** The faults its chaos section drew for this run, as plain `faults:` entries (also in `faults`, after the file's own). */
  drawnFaults?: FaultEntry[];
}

/**
 * Expands the chaos section before any actor exists, in the one place every
 * driver builds its worlds: the engine and the services run the same drawn
 * faults. The stream is forked from the run's seed (`chaos`), not from the
 * variant, so every variant of a seed meets the same schedule.
 */
function withDrawnFaults(scenario: Scenario, variant: ScenarioVariant, seed: number): RunVariant {
  if (variant.chaos === undefined) return variant;
  const drawnFaults = drawChaos(variant.chaos, scenario.horizonNs, new Rng(seed).fork('chaos'));
  const faults = faultsFromEntries(drawnFaults, variant, scenario.horizonNs, scenario.fileName);
  return { ...variant, faults: [...variant.faults, ...faults], drawnFaults };
}
