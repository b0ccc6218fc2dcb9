import type { ScenarioDocument } from '../document/scenario-schema';
import type { HostSpec } from '../model/scenario';
import type { NetworkSpec, RackSpec } from '../model/network';
import { describeFound, type Path } from '../schema/issues';
import { resolveNameSet } from './name-sets';
import type { NormalizeContext } from './normalize-context';
import type { References } from './references';

type NetworkEntry = NonNullable<ScenarioDocument['network']>;

/**
 * The `network:` section against the hosts: racks (generated `size` at a
 * time in host order, or listed with their hosts), their uplinks (written,
 * or the rack's NIC rates / oversubscription), and the dedicated migration
 * network's uplinks the same way. A host is in at most one rack; a rack name
 * may not also be a host name (host sets accept both).
 */
export function normalizeNetwork(entry: NetworkEntry | undefined, hosts: readonly HostSpec[], refs: References, context: NormalizeContext): NetworkSpec | undefined {
  if (entry === undefined) return undefined;
  const path: Path = ['network'];
  const racks: RackSpec[] = [];
  const owner = new Map<string, string>();
  const migration = entry.migrationNetwork;
  const uplinkOf = (members: readonly string[], written: number | undefined, nicOf: (host: HostSpec) => number, ratio: number): number =>
    written ?? members.reduce((sum, name) => sum + nicOf(refs.hosts.get(name)!), 0) / ratio;
  const addRack = (name: string, members: string[], uplink: number | undefined, at: Path): void => {
    if (refs.hosts.has(name)) context.add([...at, 'name'], describeFound(name), 'a rack name that is not also a host name (host sets accept both)');
    if (racks.some((rack) => rack.name === name)) context.add([...at, 'name'], describeFound(name), 'a name no other rack uses');
    for (const host of members) {
      const previous = owner.get(host);
      if (previous !== undefined) context.add([...at, 'hosts'], describeFound(host), `hosts in one rack only (${host} is already in ${previous})`);
      owner.set(host, name);
    }
    racks.push({
      name,
      hosts: members,
      uplinkBytesPerSec: uplinkOf(members, uplink, (host) => host.linkBytesPerSec, entry.oversubscription),
      migrationUplinkBytesPerSec: migration === undefined ? null : uplinkOf(members, undefined, () => migration.link, migration.oversubscription),
    });
  };
  if (entry.background >= 1) context.add([...path, 'background'], context.found([...path, 'background'], ''), 'a share below 100% (migrations need some of each link)');
  const written = entry.racks;
  if (written !== undefined && !Array.isArray(written)) {
    const count = Math.ceil(hosts.length / written.size);
    if (count > 1 && !written.name.includes('{i}')) {
      context.add([...path, 'racks', 'name'], describeFound(written.name), 'a template with {i} (there are several racks)');
    }
    for (let index = 0; index < count; index += 1) {
      const members = hosts.slice(index * written.size, (index + 1) * written.size).map((host) => host.name);
      addRack(written.name.replaceAll('{i}', String(index + 1)), members, written.uplink, [...path, 'racks']);
    }
  } else if (written !== undefined) {
    written.forEach((rack, index) => {
      const at: Path = [...path, 'racks', index];
      const members = resolveNameSet(rack.hosts, [...at, 'hosts'], refs.hosts, 'host', context);
      if (members !== undefined) addRack(rack.name, members, rack.uplink, at);
    });
  }
  for (const rack of racks) refs.racks.set(rack.name, rack.hosts);
  return {
    racks,
    coreBytesPerSec: entry.core ?? null,
    rackLatencyNs: entry.latency.rack,
    coreLatencyNs: entry.latency.core,
    backgroundFraction: entry.background,
    migrationNetwork: migration === undefined ? null : { linkBytesPerSec: migration.link, coreBytesPerSec: migration.core ?? null },
  };
}
