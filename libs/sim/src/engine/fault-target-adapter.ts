import { applyFault, type FaultSpec, type FaultTarget, type MigrationEndpoints } from '@migsim/orchestration';
import type { MigrationRecord } from './migration-record';
import type { VariantRun } from './variant-run';

/**
 * The engine side of the orchestration fault port: fault kinds act on the
 * run's hosts, links and migrations through this adapter only.
 */
export class FaultTargetAdapter implements FaultTarget {
  constructor(private readonly run: VariantRun) {}

  /** Applies a due fault and records it; a fault that cannot apply is recorded, not thrown. */
  fire(fault: FaultSpec): void {
    const description = this.run.variant.faults.find((f) => `faults[${f.index}]` === fault.id)?.description ?? '';
    this.run.event('fault', fault.id, `${fault.kind}${description === '' ? '' : `: ${description}`}`);
    applyFault(fault, this);
  }

  nowNs(): number {
    return this.run.nowNs;
  }

  hostExists(host: string): boolean {
    return this.run.hosts.has(host);
  }

  migrationEndpoints(migration: string): MigrationEndpoints | undefined {
    const record = this.recordFor(migration);
    if (record === undefined) return undefined;
    const attempt = record.runningAttempt === undefined ? undefined : this.run.attempts.get(record.runningAttempt);
    return {
      id: record.id,
      vmName: record.vmName,
      sourceHost: attempt?.sourceHost ?? record.sourceHost ?? this.run.vms.get(record.vmName)!.spec.host,
      destinationHost: attempt?.destinationHost ?? record.destinationHost,
    };
  }

  crashHost(host: string, reason: string): void {
    this.run.endings.crashHost(host, reason);
  }

  recoverHost(host: string): void {
    this.run.host(host).up = true;
    this.run.links.setHostUp(host, true);
    this.run.event('host-recovered', host, 'back up, empty');
    this.run.endings.linksChanged();
  }

  setPathDown(a: string, b: string, down: boolean): void {
    this.run.links.setPathDown(a, b, down);
    this.run.endings.linksChanged();
  }

  setHostLinkDown(host: string, down: boolean): void {
    this.run.links.setHostNicDown(host, down);
    this.run.endings.linksChanged();
  }

  setPathCap(a: string, b: string, capBytesPerSec: number): void {
    this.run.links.setPathCap(a, b, capBytesPerSec);
    this.run.endings.linksChanged();
  }

  setHostNicRate(host: string, bytesPerSec: number): void {
    this.run.links.setHostNicRate(host, bytesPerSec);
    this.run.endings.linksChanged();
  }

  hostNicRate(host: string): number {
    return this.run.links.hostNicRate(host);
  }

  addPathLatency(a: string, b: string, latencyNs: number): void {
    this.run.links.addPathLatency(a, b, latencyNs);
    this.run.endings.linksChanged();
  }

  cancelMigration(migration: string, reason: string): void {
    const record = this.recordFor(migration);
    if (record === undefined) {
      this.run.event('fault-missed', migration, `no migration named ${migration} to cancel`);
      return;
    }
    this.run.endings.cancel(record, reason);
  }

  schedule(atNs: number, revert: () => void): void {
    this.run.at(atNs, revert);
  }

  /** A migration by id, or the latest one of a VM by the VM's name. */
  private recordFor(migration: string): MigrationRecord | undefined {
    const byId = this.run.records.get(migration);
    if (byId !== undefined) return byId;
    let latest: MigrationRecord | undefined;
    for (const record of this.run.records.values()) if (record.vmName === migration) latest = record;
    return latest;
  }
}
