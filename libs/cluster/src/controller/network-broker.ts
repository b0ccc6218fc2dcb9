import type { HostSpec, NetworkSpec } from '@migsim/scenario';
import { MIN_PATH_LATENCY_NS } from '../constants';
import { LinkModel, type FlowState } from '../network/link-model';
import { LinkUsageRecorder, type TierSeries } from '../network/link-usage';
import type { MigrationRate } from '../messages/messages';

/** What a flow's source is told: its rate, burst rate, path latency and path state. */
export type FlowRate = FlowState;

interface Flow {
  source: string;
  last: FlowRate;
}

/**
 * The controller's view of the network: libs/cluster's max-min LinkModel
 * over every link a path crosses (NICs, and with racks their uplinks and
 * the core), with every running attempt a flow capped by its
 * `max-bandwidth`, and the link faults acting on it. After every change it
 * re-rates the flows and tells each source whose share, burst rate, path
 * latency or path state changed (`migration.rate`): hosts pace their
 * streams at what the controller last told them, one control latency late,
 * as a bandwidth broker would. It also records how loaded each tier of
 * links was over time, for the report.
 */
export class NetworkBroker {
  readonly links = new LinkModel();
  readonly usage = new LinkUsageRecorder();
  private readonly flows = new Map<string, Flow>();
  /** Where `changedRates` reads each flow's state (a re-rating visits every flow; only a change is copied). */
  private readonly scratch: FlowRate = { rateBytesPerSec: 0, burstRateBytesPerSec: 0, latencyNs: 0, pathUp: false };

  constructor(hosts: readonly HostSpec[], network?: NetworkSpec) {
    for (const host of hosts) this.links.addHost(host.name, host.linkBytesPerSec, host.latencyNs);
    this.links.setNetwork(network);
  }

  /** One-way latency of a host-to-host message on the path (never below the floor). */
  latencyNs(a: string, b: string): number {
    return Math.max(MIN_PATH_LATENCY_NS, this.links.latencyNs(a, b));
  }

  /** Adds an attempt's flow; returns its rates (other flows' changes come from `changedRates`). */
  startFlow(attemptId: string, source: string, destination: string, capBytesPerSec: number): FlowRate {
    this.links.startFlow({ id: attemptId, sourceHost: source, destinationHost: destination, capBytesPerSec });
    const rate = this.read(attemptId, { rateBytesPerSec: 0, burstRateBytesPerSec: 0, latencyNs: 0, pathUp: false });
    this.flows.set(attemptId, { source, last: rate });
    return rate;
  }

  stopFlow(attemptId: string): void {
    this.links.stopFlow(attemptId);
    this.flows.delete(attemptId);
  }

  /**
   * The flows whose rates changed since they were last told, in start order,
   * with the message for each source; the links' loads at `nowNs` are recorded.
   */
  changedRates(nowNs?: number): { source: string; message: MigrationRate }[] {
    const changed: { source: string; message: MigrationRate }[] = [];
    const now = this.scratch;
    for (const [attemptId, flow] of this.flows) {
      this.read(attemptId, now);
      const last = flow.last;
      if (
        now.rateBytesPerSec === last.rateBytesPerSec &&
        now.burstRateBytesPerSec === last.burstRateBytesPerSec &&
        now.latencyNs === last.latencyNs &&
        now.pathUp === last.pathUp
      ) {
        continue;
      }
      const rate = { ...now };
      flow.last = rate;
      changed.push({ source: flow.source, message: { kind: 'migration.rate', attemptId, ...rate } });
    }
    if (nowNs !== undefined) this.usage.observe(nowNs, this.links.tierLoads());
    return changed;
  }

  /** Each tier's load over the run, in bins of `binNs` (empty when no migration ever ran). */
  usageSeries(horizonNs: number, binNs: number): TierSeries[] {
    return this.usage.series(horizonNs, binNs);
  }

  /** The flow's rates as its source is told them (the path latency never below the floor), into `out`. */
  private read(attemptId: string, out: FlowRate): FlowRate {
    if (!this.links.flowState(attemptId, out)) throw new Error(`flow ${attemptId} is not on the links`);
    out.latencyNs = Math.max(MIN_PATH_LATENCY_NS, out.latencyNs);
    return out;
  }
}
