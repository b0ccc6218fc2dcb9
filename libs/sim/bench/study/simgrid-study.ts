import { planDrain } from '@migsim/orchestration';
import type { Scenario } from '@migsim/scenario';
import type { SimgridStudy } from '../simgrid/simgrid-peer';
import { drainedHosts, STUDY_SHAPES, type StudySize } from './study-document';

/**
 * The same study for SimGrid's VM live-migration plugin, from the scenario
 * migsim loads (the VMs as drawn, the racks and their uplinks as
 * normalised): its strongest configuration, only the migrating VMs
 * created; the moves are the drain rule of @migsim/orchestration over the
 * same hosts and VMs (what migsim's controller computes at t = 0), admitted
 * in that order under the same cluster and per-host caps.
 */
export function simgridStudyOf(size: StudySize, scenario: Scenario): SimgridStudy {
  const shape = STUDY_SHAPES[size];
  const variant = scenario.variants[0]!;
  const moves = planDrain(
    drainedHosts(shape),
    variant.hosts.map((host) => ({ name: host.name, memoryBytes: host.memoryBytes, up: true })),
    variant.vms.map((vm) => ({ name: vm.name, host: vm.host, memoryBytes: vm.memoryBytes })),
    { order: 'name' },
  );
  const racks = variant.network?.racks ?? [];
  return {
    hosts: variant.hosts.map((host) => host.name),
    linkBytesPerSec: variant.hosts[0]!.linkBytesPerSec,
    vms: variant.vms.map((vm) => ({ name: vm.name, host: vm.host, memoryBytes: vm.memoryBytes, dirtyRateBytesPerSec: vm.workload.dirtyRateBytesPerSec, vcpus: vm.vcpus })),
    migrations: moves.map((move) => ({ vm: move.vmName, to: move.destinationHost })),
    maxOutboundPerHost: shape.maxOutboundPerHost,
    bandwidthPerMigrationBytesPerSec: shape.bandwidthPerMigrationMBps * 1e6,
    createdVms: 'migrating',
    clusterCap: shape.clusterCap,
    racks: racks.map((rack) => ({ name: rack.name, uplinkBytesPerSec: rack.uplinkBytesPerSec })),
    rackOf: Object.fromEntries(racks.flatMap((rack) => rack.hosts.map((host) => [host, rack.name]))),
  };
}
