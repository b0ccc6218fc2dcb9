import { SimgridPeerError } from './simgrid-peer-error';

/**
 * Which VMs study.cpp creates in SimGrid: `all` of them, or only the
 * `migrating` ones (the others still count in their hosts' cores, so the
 * hosts are the same). Both simulate the same migrations; `migrating` spares
 * SimGrid the workloads of VMs that stay put, as migsim never models a VM
 * nothing touches.
 */
export type SimgridCreatedVms = 'all' | 'migrating';

/** One drain study, as the SimGrid peer reads it (README.md, "Study file"). */
export interface SimgridStudy {
  hosts: string[];
  linkBytesPerSec: number;
  vms: { name: string; host: string; memoryBytes: number; dirtyRateBytesPerSec: number; vcpus: number }[];
  /** Started in this order, per source host; one migration per VM. */
  migrations: { vm: string; to: string }[];
  maxOutboundPerHost: number;
  bandwidthPerMigrationBytesPerSec: number;
  /** Default `all`. */
  createdVms?: SimgridCreatedVms;
  /** At most this many migrations at once in the cluster, admitted in study order (default: no cluster cap). */
  clusterCap?: number;
  /** Racks with their top-of-rack uplink (bytes/s, each direction); hosts name theirs in `rackOf`. */
  racks?: { name: string; uplinkBytesPerSec: number }[];
  rackOf?: Record<string, string>;
}

const HEADER = 'migsim-simgrid-study 1';

/**
 * Checks what study.cpp would otherwise reject after the compile, so the
 * message names the field: names are single words (the file is
 * whitespace-separated), numbers are finite and positive.
 */
export function validateSimgridStudy(study: SimgridStudy): void {
  const problems: string[] = [];
  const checkName = (where: string, name: string) => {
    if (!/^[^\s#][^\s]*$/.test(name)) problems.push(`${where}: found ${JSON.stringify(name)}, expected a name without spaces`);
  };
  const checkPositive = (where: string, value: number, integer: boolean) => {
    const ok = Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
    if (!ok) problems.push(`${where}: found ${value}, expected a positive ${integer ? 'integer' : 'number'}`);
  };

  checkPositive('linkBytesPerSec', study.linkBytesPerSec, false);
  checkPositive('maxOutboundPerHost', study.maxOutboundPerHost, true);
  checkPositive('bandwidthPerMigrationBytesPerSec', study.bandwidthPerMigrationBytesPerSec, false);
  if (study.clusterCap !== undefined) checkPositive('clusterCap', study.clusterCap, true);
  const rackNames = new Set<string>();
  (study.racks ?? []).forEach((rack, index) => {
    checkName(`racks[${index}].name`, rack.name);
    checkPositive(`racks[${index}].uplinkBytesPerSec`, rack.uplinkBytesPerSec, false);
    rackNames.add(rack.name);
  });
  for (const [host, rack] of Object.entries(study.rackOf ?? {})) {
    if (!rackNames.has(rack)) problems.push(`rackOf.${host}: found ${JSON.stringify(rack)}, expected one of racks`);
  }
  if (study.createdVms !== undefined && study.createdVms !== 'all' && study.createdVms !== 'migrating') {
    problems.push(`createdVms: found ${JSON.stringify(study.createdVms)}, expected 'all' or 'migrating'`);
  }

  const hosts = new Set<string>();
  study.hosts.forEach((host, index) => {
    checkName(`hosts[${index}]`, host);
    if (hosts.has(host)) problems.push(`hosts[${index}]: ${host} is listed twice`);
    hosts.add(host);
  });

  const vms = new Set<string>();
  study.vms.forEach((vm, index) => {
    const where = `vms[${index}]`;
    checkName(`${where}.name`, vm.name);
    if (vms.has(vm.name)) problems.push(`${where}.name: ${vm.name} is declared twice`);
    vms.add(vm.name);
    if (!hosts.has(vm.host)) problems.push(`${where}.host: found ${JSON.stringify(vm.host)}, expected one of hosts`);
    checkPositive(`${where}.memoryBytes`, vm.memoryBytes, true);
    checkPositive(`${where}.vcpus`, vm.vcpus, true);
    if (!(Number.isFinite(vm.dirtyRateBytesPerSec) && vm.dirtyRateBytesPerSec >= 0)) {
      problems.push(`${where}.dirtyRateBytesPerSec: found ${vm.dirtyRateBytesPerSec}, expected a number >= 0`);
    }
  });

  const migrated = new Set<string>();
  study.migrations.forEach((migration, index) => {
    const where = `migrations[${index}]`;
    if (!vms.has(migration.vm)) problems.push(`${where}.vm: found ${JSON.stringify(migration.vm)}, expected one of vms`);
    if (migrated.has(migration.vm)) problems.push(`${where}.vm: ${migration.vm} is migrated twice`);
    migrated.add(migration.vm);
    if (!hosts.has(migration.to)) problems.push(`${where}.to: found ${JSON.stringify(migration.to)}, expected one of hosts`);
  });

  if (problems.length > 0) {
    throw new SimgridPeerError('SIMGRID_INVALID_STUDY', `invalid SimGrid study:\n${problems.join('\n')}`);
  }
}

/** The study in the line format study.cpp reads. */
export function formatSimgridStudy(study: SimgridStudy): string {
  validateSimgridStudy(study);
  const lines = [
    HEADER,
    `link_bytes_per_sec ${study.linkBytesPerSec}`,
    `max_outbound_per_host ${study.maxOutboundPerHost}`,
    `bandwidth_per_migration_bytes_per_sec ${study.bandwidthPerMigrationBytesPerSec}`,
    `created_vms ${study.createdVms ?? 'all'}`,
    ...(study.clusterCap === undefined ? [] : [`cluster_cap ${study.clusterCap}`]),
    ...(study.racks ?? []).map((rack) => `rack ${rack.name} ${rack.uplinkBytesPerSec}`),
    ...study.hosts.map((host) => (study.rackOf?.[host] === undefined ? `host ${host}` : `host ${host} ${study.rackOf[host]}`)),
    ...study.vms.map(
      (vm) => `vm ${vm.name} ${vm.host} ${vm.memoryBytes} ${vm.dirtyRateBytesPerSec} ${vm.vcpus}`,
    ),
    ...study.migrations.map((migration) => `migrate ${migration.vm} ${migration.to}`),
  ];
  return `${lines.join('\n')}\n`;
}
