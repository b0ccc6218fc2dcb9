import type { Scenario, ScenarioVariant } from '@migsim/scenario';
import type { ControllerToHost } from '../messages/messages';
import type { ClusterView } from './cluster-view';
import type { MigrationRecord, newMigrationRecord } from './migration-record';
import type { NetworkBroker } from './network-broker';

/**
 * What the controller's parts (its plans, its fault target) may ask of the
 * controller: time, timers, events, messages to hosts, the network, the
 * cluster view and the migrations. Only ControllerActor implements it.
 */
export interface ControllerPort {
  readonly scenario: Scenario;
  readonly variant: ScenarioVariant;
  readonly records: ReadonlyMap<string, MigrationRecord>;
  readonly view: ClusterView;
  readonly network: NetworkBroker;
  nowNs(): number;
  at(atNs: number, run: () => void): void;
  event(kind: string, subject: string, detail: string): void;
  toHost(host: string, message: ControllerToHost): void;
  /** Tells every source whose flow's rate or path changed. */
  rerate(): void;
  requestMigration(fields: Parameters<typeof newMigrationRecord>[0]): MigrationRecord;
  /** An operator cancel (`migrate_cancel`) of a queued or running migration. */
  cancel(record: MigrationRecord, reason: string): void;
  /** A fault's description by its id, the scenario's own or an injected one ('' without one). */
  faultDescription(id: string): string;
}
