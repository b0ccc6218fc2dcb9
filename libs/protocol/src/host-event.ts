import { checks, defineCodec, type Envelope, type JsonValue } from '@migsim/transport';

/** Queue `controller.events`: hosts -> controller. */
export const HOST_EVENT_KINDS = [
  'host.heartbeat',
  'migration.phase',
  'migration.progress',
  'migration.ended',
  'vm.event',
  /** A VM's timeline points (throughput, huge-page coverage) since the last batch: one message per run and host per heartbeat. */
  'vm.samples',
  'vm.report',
  'destination.verified',
  'destination.dropped',
] as const;
export type HostEventKind = (typeof HOST_EVENT_KINDS)[number];

export interface HostEventV1 extends Envelope<'migsim.host-event', 1> {
  readonly run: string;
  /** The simulated host that reports. */
  readonly host: string;
  readonly kind: HostEventKind;
  readonly body: JsonValue;
}

export const hostEventCodecV1 = defineCodec<HostEventV1>('migsim.host-event', 1, {
  run: checks.nonEmptyString,
  host: checks.nonEmptyString,
  kind: checks.oneOf(...HOST_EVENT_KINDS),
  body: checks.json,
});
