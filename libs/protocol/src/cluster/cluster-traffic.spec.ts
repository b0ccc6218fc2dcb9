import { readFileSync } from 'node:fs';
import { ActorSlot, CLUSTER_MESSAGE_KINDS, type ClusterMessage, type Delivery } from '@migsim/cluster';
import { loadScenario, type Scenario } from '@migsim/scenario';
import { scenarioFrom } from '@migsim/scenario/testing';
import { WorldEngine } from '@migsim/sim';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeDelivery } from './delivery';

/**
 * What the actors really send, not what the arbitraries think they send: run
 * variants in the in-process engine, catch every delivery as its sender
 * hands it over (ActorSlot.deliver, which every runtime goes through),
 * serialise it then, as the services will, and decode it afterwards. The
 * decoded value must equal the delivery the engine handed on, so a message
 * with an `undefined` field, a class instance, a non-finite number or data
 * its sender changed after sending fails here rather than over Redis.
 */

const SCENARIOS = new URL('../../../../scenarios/', import.meta.url);

function shipped(file: string): Scenario {
  return loadScenario(readFileSync(new URL(file, SCENARIOS), 'utf8'), file);
}

const smallVm = (name: string) => ({ name, host: 'src-1', memory: '1GiB', vcpus: 2, workload: { pattern: 'uniform', writeWorkingSet: '256MiB', dirtyRate: '10MB/s' } });

/** Three small VMs: a cancelled pre-copy, fluid peers (SimGrid, CloudSim), the destination crashing and coming back. */
function cancelCrashAndFluidPeers(): Scenario {
  return scenarioFrom({
    horizon: '40s',
    vms: [smallVm('vm-1'), smallVm('vm-2'), smallVm('vm-3')],
    migrations: [
      { id: 'm1', vm: 'vm-1', to: 'dst-1', at: '1s', params: { 'max-bandwidth': '10MB/s' } },
      { id: 'm2', vm: 'vm-2', to: 'dst-1', at: '1s', params: { algorithm: 'simgrid' } },
      { id: 'm3', vm: 'vm-3', to: 'dst-1', at: '20s', params: { algorithm: 'cloudsim' } },
    ],
    faults: [
      { kind: 'migration-cancel', migration: 'm1', at: '3s' },
      { kind: 'destination-crash', host: 'dst-1', at: '10s', duration: '2s' },
    ],
  });
}

/** A drain that probes dirty rates first, two migrations sharing the link: probes, rate changes. */
function probedDrain(): Scenario {
  return scenarioFrom({
    horizon: '60s',
    vms: [smallVm('vm-1'), smallVm('vm-2'), smallVm('vm-3')],
    migrations: [],
    plans: [{ drain: 'src-1', at: '1s', order: 'lowest-dirty-rate', probe: 'page-sampling' }],
  });
}

/** Post-copy after round 1, its link down for 2 s and recovered: page requests, the post-copy package, stream rates. */
function recoveredPostcopy(): Scenario {
  return scenarioFrom({
    horizon: '60s',
    hosts: [
      { name: 'src-1', link: '1Gbps', memory: '32GiB', latency: '0.2ms' },
      { name: 'dst-1', link: '1Gbps', memory: '32GiB', latency: '0.2ms' },
    ],
    vms: [{ name: 'vm-1', host: 'src-1', memory: '2GiB', vcpus: 2, workload: { pattern: 'zipf', writeWorkingSet: '1GiB', dirtyRate: '100MB/s' } }],
    migrations: [
      { id: 'm1', vm: 'vm-1', to: 'dst-1', at: '1s', params: { 'max-bandwidth': '125MB/s', 'postcopy-ram': true, 'postcopy-after': { round: 1 }, 'postcopy-recovery': true } },
    ],
    faults: [{ kind: 'link-down', when: { migration: 'm1', phase: 'postcopy', after: '1s' }, duration: '2s' }],
  });
}

const STRICT_COMPARISONS_PER_KIND = 200;

interface Sent {
  readonly delivery: Delivery<ClusterMessage>;
  readonly json: string;
}

function runCapturing(scenario: Scenario, variantName: string): Sent[] {
  const sent: Sent[] = [];
  const deliver = ActorSlot.prototype.deliver;
  vi.spyOn(ActorSlot.prototype, 'deliver').mockImplementation(function (this: ActorSlot<ClusterMessage>, delivery: Delivery<ClusterMessage>) {
    sent.push({ delivery, json: JSON.stringify(delivery) });
    deliver.call(this, delivery);
  });
  try {
    const variant = scenario.variants.find((candidate) => candidate.name === variantName);
    if (variant === undefined) throw new Error(`${scenario.name} has no variant ${variantName}`);
    new WorldEngine(scenario, variant, scenario.seed).run();
  } finally {
    vi.restoreAllMocks();
  }
  return sent;
}

describe('protocol: every delivery the actors send decodes to what the engine delivered', () => {
  const runs: [string, string, () => Scenario][] = [
    ['failed-migration-recovery.yaml', 'recover-in-place', () => shipped('failed-migration-recovery.yaml')],
    ['a recovered post-copy', 'default', recoveredPostcopy],
    ['a drain with dirty-rate probes', 'default', probedDrain],
    ['a cancel, a crash and fluid peers', 'default', cancelCrashAndFluidPeers],
  ];
  const traffic = new Map<string, Sent[]>();

  beforeAll(() => {
    for (const [label, variant, scenario] of runs) traffic.set(label, runCapturing(scenario(), variant));
  });

  it.each(runs)('protocol: %s (%s variant): all traffic passes the edge unchanged', (label) => {
    const sent = traffic.get(label)!;
    expect(sent.length).toBeGreaterThan(0);
    const strictlyCompared = new Map<string, number>();
    const changedAfterSending: string[] = [];
    for (const [index, { delivery, json }] of sent.entries()) {
      const decoded = decodeDelivery(JSON.parse(json), `$.deliveries[${index}]`);
      // What the engine handed on, as text: data its sender changed after sending shows here.
      if (JSON.stringify(delivery) !== json) changedAfterSending.push(`$.deliveries[${index}] (${delivery.message.kind})`);
      // And structurally, for the first of each kind (the comparison is slow): an undefined field or a class instance differs too.
      const compared = strictlyCompared.get(delivery.message.kind) ?? 0;
      if (compared < STRICT_COMPARISONS_PER_KIND) {
        strictlyCompared.set(delivery.message.kind, compared + 1);
        expect(decoded).toStrictEqual(delivery);
      }
    }
    expect(changedAfterSending).toEqual([]);
  });

  it('protocol: together those runs send every kind of message there is', () => {
    const kinds = new Set([...traffic.values()].flatMap((sent) => sent.map(({ delivery }) => delivery.message.kind)));
    expect([...kinds].sort()).toEqual([...CLUSTER_MESSAGE_KINDS].sort());
  });
});
