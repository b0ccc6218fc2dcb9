import { transportCodecs, type CodecRegistry, type JsonValue } from '@migsim/transport';
import { hostCommandCodecV1, type HostCommandV1 } from './host-command';
import { hostEventCodecV1, type HostEventV1 } from './host-event';
import { pageStreamCodecV1, type PageStreamV1 } from './page-stream';

/**
 * The messages migsim's services exchange, one envelope type per direction.
 * A change of shape is a new version: register it next to the old one so a
 * service still decodes what an older peer sends.
 *
 *   host.<host>.commands     migsim.host-command   controller/destination -> host
 *   controller.events        migsim.host-event     hosts -> controller
 *   migration.pages.<dst>    migsim.page-stream    source host -> destination host (ordered, paced)
 */
export type ServiceMessage = HostCommandV1 | HostEventV1 | PageStreamV1;

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
