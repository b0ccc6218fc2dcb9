/**
 * The network between the hosts, normalised (`network:` in the file). Every
 * rate is bytes/s each direction; `null` is unlimited.
 */
export interface NetworkSpec {
  /** In declaration order; a host belongs to at most one rack (hosts outside every rack hang off the core). */
  racks: RackSpec[];
  /** Capacity of the primary core shared by every flow between racks; null: unlimited. */
  coreBytesPerSec: number | null;
  /** Added one-way latency within a rack, and between racks (or to a host outside every rack). */
  rackLatencyNs: number;
  coreLatencyNs: number;
  /** Share of every primary link that tenant traffic takes. */
  backgroundFraction: number;
  /** The dedicated migration network, or null when migrations use the primary network. */
  migrationNetwork: MigrationNetworkSpec | null;
}

export interface RackSpec {
  name: string;
  hosts: string[];
  /** Top-of-rack uplink of the primary network. */
  uplinkBytesPerSec: number;
  /** Top-of-rack uplink of the migration network (null without one). */
  migrationUplinkBytesPerSec: number | null;
}

export interface MigrationNetworkSpec {
  /** Every host's migration NIC. */
  linkBytesPerSec: number;
  coreBytesPerSec: number | null;
}
