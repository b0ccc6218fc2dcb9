import { field, s } from '../schema/builders';
import { LINK_RATE } from '../limits/limit-options';
import { nameSetSchema } from './distribution-schemas';

/** Racks generated from the host list: `size` hosts each, in file order. */
const rackTemplateSchema = s.object(
  {
    size: field.required(s.integer({ min: 1, max: 100_000 }), 'Hosts per rack: the hosts, in file order, fill rack 1, then rack 2, ...'),
    name: field.defaulted(s.nameTemplate(), 'rack-{i}', 'Rack names; {i} is the rack number.'),
    uplink: field.optional(s.rate(), "Top-of-rack uplink to the core, each direction.", "the sum of the rack's NIC rates / oversubscription"),
  },
  { noun: 'generated racks such as { size: 40 }' },
);

const rackSchema = s.object(
  {
    name: field.required(s.name(), 'Rack name (usable in host sets: drain: { hosts: rack-3 }).'),
    hosts: field.required(nameSetSchema(), 'Its hosts (names, ranges such as h-1..h-40).'),
    uplink: field.optional(s.rate(), 'Top-of-rack uplink to the core, each direction.', "the sum of the rack's NIC rates / oversubscription"),
  },
  { noun: 'a rack' },
);

const latencySchema = s.object(
  {
    rack: field.defaulted(s.duration({ allowZero: true }), '0s', 'Added one-way latency between two hosts of one rack (through their top-of-rack switch).'),
    core: field.defaulted(s.duration({ allowZero: true }), '0s', 'Added one-way latency between hosts of different racks (top-of-rack, core, top-of-rack), or hosts outside any rack.'),
  },
  { noun: 'path latencies', description: "Latency a path adds to its hosts' access latencies (hosts[].latency), by how far it goes." },
);

const migrationNetworkSchema = s.object(
  {
    link: field.required(s.rate(LINK_RATE), "Each host's NIC on the migration network, each direction (1Mbps to 10Tbps)."),
    oversubscription: field.defaulted(s.number({ min: 1, max: 1000 }), 1, 'Its racks\' uplinks: the sum of their migration NICs divided by this.'),
    core: field.optional(s.rate(), 'Capacity of its core, each direction, shared by every migration between racks.', 'unlimited'),
  },
  {
    noun: 'a dedicated migration network',
    description:
      'A network that carries only migrations (KubeVirt spec.configuration.migrations.network): every migration uses its NICs and uplinks instead of the primary ones, and tenant traffic (background) is not on it.',
  },
);

/**
 * The network between the hosts. Without it every host hangs off one
 * non-blocking switch (only NICs limit a migration). With racks, a migration
 * between racks also crosses both top-of-rack uplinks and the core; the
 * max-min sharing runs over every link a path crosses.
 */
export const networkSchema = s.object(
  {
    racks: field.optional(
      s.either(rackTemplateSchema, s.array(rackSchema, 'racks', 1), Array.isArray),
      'Racks: { size: 40 } fills racks from the host list, or a list of racks naming their hosts.',
      'none: every host on one switch',
    ),
    oversubscription: field.defaulted(s.number({ min: 1, max: 1000 }), 1, "Top-of-rack oversubscription: a rack's uplink is the sum of its NIC rates divided by this (4 = 4:1), unless uplink is written."),
    core: field.optional(s.rate(), 'Capacity of the core, each direction, shared by every flow between racks.', 'unlimited: the uplinks are the bottleneck'),
    latency: field.defaulted(latencySchema, {}, "Latency a path adds to its hosts' access latencies."),
    background: field.defaulted(s.fraction(), 0, 'Share of every link of the primary network taken by tenant traffic (migrations share the rest).'),
    migrationNetwork: field.optional(migrationNetworkSchema, 'A dedicated migration network (KubeVirt).', 'none: migrations use the primary network'),
  },
  { noun: 'a network', description: 'Racks, top-of-rack uplinks, the core and an optional dedicated migration network.' },
);
