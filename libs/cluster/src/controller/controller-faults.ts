import { applyFault, type FaultSpec, type FaultTarget, type MigrationEndpoints } from '@migsim/orchestration';
import type { ControllerPort } from './controller-port';
import type { MigrationRecord } from './migration-record';

/**
 * The controller's side of the orchestration fault port: every fault kind
 * acts through this adapter. Network faults change the controller's network
 * model (the sources hear the new rates); a host crash is a message to the
 * host, whose migrations then fail on their own (its incoming streams break,
 * its outgoing ones are lost); a cancel goes to the migration's source.
 */
export class ControllerFaults implements FaultTarget {
  constructor(private readonly controller: ControllerPort) {}

  /** Applies a due fault and records it; a fault that cannot apply is recorded, not thrown. */
  fire(fault: FaultSpec): void {
    const description = this.controller.faultDescription(fault.id);
    this.controller.event('fault', fault.id, `${fault.kind}${description === '' ? '' : `: ${description}`}`);
    applyFault(fault, this);
  }

  nowNs(): number {
    return this.controller.nowNs();
  }

  hostExists(host: string): boolean {
    return this.controller.variant.hosts.some((spec) => spec.name === host);
  }

  migrationEndpoints(migration: string): MigrationEndpoints | undefined {
    const record = this.recordFor(migration);
    if (record === undefined) return undefined;
    return {
      id: record.id,
      vmName: record.vmName,
      sourceHost: record.running?.source ?? record.sourceHost ?? this.controller.view.hostOf(record.vmName) ?? '',
      destinationHost: record.running?.destination ?? record.destinationHost,
    };
  }

  crashHost(host: string, reason: string): void {
    const controller = this.controller;
    controller.view.setHostUp(host, false);
    controller.view.hostCrashed(host);
    controller.network.links.setHostUp(host, false);
    controller.toHost(host, { kind: 'host.crash', reason });
    controller.rerate();
  }

  recoverHost(host: string): void {
    const controller = this.controller;
    controller.view.setHostUp(host, true);
    controller.network.links.setHostUp(host, true);
    controller.toHost(host, { kind: 'host.recover' });
    controller.rerate();
  }

  setPathDown(a: string, b: string, down: boolean): void {
    this.controller.network.links.setPathDown(a, b, down);
    this.controller.rerate();
  }

  setHostLinkDown(host: string, down: boolean): void {
    this.controller.network.links.setHostNicDown(host, down);
    this.controller.rerate();
  }

  setPathCap(a: string, b: string, capBytesPerSec: number): void {
    this.controller.network.links.setPathCap(a, b, capBytesPerSec);
    this.controller.rerate();
  }

  setHostNicRate(host: string, bytesPerSec: number): void {
    this.controller.network.links.setHostNicRate(host, bytesPerSec);
    this.controller.rerate();
  }

  hostNicRate(host: string): number {
    return this.controller.network.links.hostNicRate(host);
  }

  addPathLatency(a: string, b: string, latencyNs: number): void {
    this.controller.network.links.addPathLatency(a, b, latencyNs);
    this.controller.rerate();
  }

  addHostLatency(host: string, latencyNs: number): void {
    this.controller.network.links.addHostLatency(host, latencyNs);
    this.controller.rerate();
  }

  cancelMigration(migration: string, reason: string): void {
    const record = this.recordFor(migration);
    if (record === undefined) {
      this.controller.event('fault-missed', migration, `no migration named ${migration} to cancel`);
      return;
    }
    this.controller.cancel(record, reason);
  }

  schedule(atNs: number, revert: () => void): void {
    this.controller.at(atNs, revert);
  }

  /** A migration by id, or the latest one of a VM by the VM's name. */
  private recordFor(migration: string): MigrationRecord | undefined {
    const records = this.controller.records;
    const byId = records.get(migration);
    if (byId !== undefined) return byId;
    let latest: MigrationRecord | undefined;
    for (const record of records.values()) if (record.vmName === migration) latest = record;
    return latest;
  }
}
