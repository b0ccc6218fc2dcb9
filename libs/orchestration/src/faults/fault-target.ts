/**
 * The port through which a fault acts on a running system. The deterministic
 * engine (libs/sim) implements it over its in-memory hosts, links and
 * migrations; a distributed controller can implement it over real processes.
 * Fault kinds only ever talk to this interface.
 */
export interface MigrationEndpoints {
  id: string;
  vmName: string;
  sourceHost: string;
  destinationHost: string;
}

export interface FaultTarget {
  nowNs(): number;
  hostExists(host: string): boolean;
  /** The migration named by id or by VM name (its current attempt), if one is known. */
  migrationEndpoints(migration: string): MigrationEndpoints | undefined;
  /** The host crashes: its migrations fail, its link goes down, its VMs go down. */
  crashHost(host: string, reason: string): void;
  /** A crashed host is back (empty: its VMs stay down). */
  recoverHost(host: string): void;
  setPathDown(a: string, b: string, down: boolean): void;
  setHostLinkDown(host: string, down: boolean): void;
  /** Caps the path between two hosts, in bytes/s; Infinity lifts the cap. */
  setPathCap(a: string, b: string, capBytesPerSec: number): void;
  setHostNicRate(host: string, bytesPerSec: number): void;
  hostNicRate(host: string): number;
  addPathLatency(a: string, b: string, latencyNs: number): void;
  /** Adds `latencyNs` to the host's access link, so to every path through it (negative removes it). */
  addHostLatency(host: string, latencyNs: number): void;
  /** Cancels a migration (like `virsh domjobabort` / deleting the VMIM); no retry follows. */
  cancelMigration(migration: string, reason: string): void;
  /** Runs `revert` when virtual time reaches `atNs` (faults with a duration). */
  schedule(atNs: number, revert: () => void): void;
}
