import type { FaultTarget, MigrationEndpoints } from './faults/fault-target';

/**
 * A `FaultTarget` that records what faults did, over a tiny in-memory model
 * (host NIC rates, crashed hosts, path state, cancelled migrations), with a
 * clock the test moves by hand and a list of scheduled reverts it can run.
 */
export class RecordingFaultTarget implements FaultTarget {
  nowValueNs = 0;
  readonly calls: string[] = [];
  readonly crashed = new Set<string>();
  readonly downPaths = new Set<string>();
  readonly downHostLinks = new Set<string>();
  readonly pathCaps = new Map<string, number>();
  readonly latencies = new Map<string, number>();
  readonly hostLatencies = new Map<string, number>();
  readonly nicRates = new Map<string, number>();
  readonly cancelled: string[] = [];
  readonly scheduled: { atNs: number; revert: () => void }[] = [];

  constructor(
    hosts: Record<string, number>,
    private readonly migrations: MigrationEndpoints[] = [],
  ) {
    for (const [host, rate] of Object.entries(hosts)) this.nicRates.set(host, rate);
  }

  nowNs(): number {
    return this.nowValueNs;
  }
  hostExists(host: string): boolean {
    return this.nicRates.has(host);
  }
  migrationEndpoints(migration: string): MigrationEndpoints | undefined {
    return this.migrations.find((m) => m.id === migration || m.vmName === migration);
  }
  crashHost(host: string, reason: string): void {
    this.calls.push(`crash ${host}: ${reason}`);
    this.crashed.add(host);
  }
  recoverHost(host: string): void {
    this.calls.push(`recover ${host}`);
    this.crashed.delete(host);
  }
  setPathDown(a: string, b: string, down: boolean): void {
    if (down) this.downPaths.add(pair(a, b));
    else this.downPaths.delete(pair(a, b));
  }
  setHostLinkDown(host: string, down: boolean): void {
    if (down) this.downHostLinks.add(host);
    else this.downHostLinks.delete(host);
  }
  setPathCap(a: string, b: string, capBytesPerSec: number): void {
    this.pathCaps.set(pair(a, b), capBytesPerSec);
  }
  setHostNicRate(host: string, bytesPerSec: number): void {
    this.nicRates.set(host, bytesPerSec);
  }
  hostNicRate(host: string): number {
    return this.nicRates.get(host) ?? 0;
  }
  addPathLatency(a: string, b: string, latencyNs: number): void {
    this.latencies.set(pair(a, b), (this.latencies.get(pair(a, b)) ?? 0) + latencyNs);
  }
  addHostLatency(host: string, latencyNs: number): void {
    this.hostLatencies.set(host, (this.hostLatencies.get(host) ?? 0) + latencyNs);
  }
  cancelMigration(migration: string, reason: string): void {
    this.cancelled.push(`${migration}: ${reason}`);
  }
  schedule(atNs: number, revert: () => void): void {
    this.scheduled.push({ atNs, revert });
  }

  /** Moves the clock to `timeNs` and runs the reverts due by then, in time order. */
  runUntil(timeNs: number): void {
    this.nowValueNs = timeNs;
    this.scheduled.sort((x, y) => x.atNs - y.atNs);
    while (this.scheduled.length > 0 && this.scheduled[0]!.atNs <= timeNs) this.scheduled.shift()!.revert();
  }
}

export function pair(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
