import { checks, defineCodec, transportCodecs, type CodecRegistry, type Envelope, type JsonValue } from '@migsim/transport';

/**
 * The messages migsim's services exchange, one envelope type per direction.
 * Each app keeps its own copy of this file (apps never import each other);
 * the copies must stay identical, and a change of shape is a new version.
 *
 *   host.<host>.commands     migsim.host-command   controller/destination -> host
 *   controller.events        migsim.host-event     hosts -> controller
 *   migration.pages.<dst>    migsim.page-stream    source host -> destination host (ordered, paced)
 */
export const HOST_COMMAND_KINDS = [
  'vm.create',
  'migration.start',
  'migration.fault',
  'migration.cancel',
  'migration.destination-answer',
  'migration.drop',
  'variant.finish',
] as const;
export type HostCommandKind = (typeof HOST_COMMAND_KINDS)[number];

export const HOST_EVENT_KINDS = [
  'host.heartbeat',
  'migration.phase',
  'migration.progress',
  'migration.ended',
  'vm.event',
  'vm.report',
  'destination.verified',
  'destination.dropped',
] as const;
export type HostEventKind = (typeof HOST_EVENT_KINDS)[number];

export const PAGE_STREAM_KINDS = ['prepare', 'batch', 'resume', 'discard'] as const;
export type PageStreamKind = (typeof PAGE_STREAM_KINDS)[number];

export interface HostCommandV1 extends Envelope<'migsim.host-command', 1> {
  readonly run: string;
  /** The simulated host the command is for. */
  readonly host: string;
  readonly kind: HostCommandKind;
  readonly body: JsonValue;
}

export interface HostEventV1 extends Envelope<'migsim.host-event', 1> {
  readonly run: string;
  /** The simulated host that reports. */
  readonly host: string;
  readonly kind: HostEventKind;
  readonly body: JsonValue;
}

export interface PageStreamV1 extends Envelope<'migsim.page-stream', 1> {
  readonly run: string;
  /** `<variant>/<migration id>`: unique within the run. */
  readonly migration: string;
  readonly attempt: number;
  readonly seq: number;
  readonly kind: PageStreamKind;
  readonly body: JsonValue;
}

export type ServiceMessage = HostCommandV1 | HostEventV1 | PageStreamV1;

export const hostCommandCodecV1 = defineCodec<HostCommandV1>('migsim.host-command', 1, {
  run: checks.nonEmptyString,
  host: checks.nonEmptyString,
  kind: checks.oneOf(...HOST_COMMAND_KINDS),
  body: checks.json,
});

export const hostEventCodecV1 = defineCodec<HostEventV1>('migsim.host-event', 1, {
  run: checks.nonEmptyString,
  host: checks.nonEmptyString,
  kind: checks.oneOf(...HOST_EVENT_KINDS),
  body: checks.json,
});

export const pageStreamCodecV1 = defineCodec<PageStreamV1>('migsim.page-stream', 1, {
  run: checks.nonEmptyString,
  migration: checks.nonEmptyString,
  attempt: checks.integer(0),
  seq: checks.integer(0),
  kind: checks.oneOf(...PAGE_STREAM_KINDS),
  body: checks.json,
});

export const serviceCodecs = transportCodecs()
  .register(hostCommandCodecV1)
  .register(hostEventCodecV1)
  .register(pageStreamCodecV1);

/** Every message a service port speaks: the service messages plus libs/transport's own (dead letters, page batches). */
export type WireMessage = typeof serviceCodecs extends CodecRegistry<infer M> ? M : never;

/** Plain data (class-free, JSON-safe) as a message body. */
export function asJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
