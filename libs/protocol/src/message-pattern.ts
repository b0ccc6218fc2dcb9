import type { HostCommandKind, HostCommandV1 } from './host-command';
import type { HostEventKind, HostEventV1 } from './host-event';
import type { PageStreamKind, PageStreamV1 } from './page-stream';
import type { WireMessage } from './service-codecs';

/** The `@EventPattern` of a page-stream message: its kind under `pages.` (page-stream kinds are generic words). */
export type PageStreamPattern = `pages.${PageStreamKind}`;

export function pageStreamPattern(kind: PageStreamKind): PageStreamPattern {
  return `pages.${kind}`;
}

/**
 * The pattern a service's message handlers are registered under
 * (`@EventPattern(...)` in the apps, dispatched by libs/transport's
 * BullmqTransport): a host command or host event by its `kind` (`vm.create`,
 * `migration.ended`; the two sets of kinds are disjoint), a page-stream
 * message by `pages.<kind>`, anything else by its `type`.
 */
export function messagePattern(message: WireMessage): string {
  switch (message.type) {
    case 'migsim.host-command':
    case 'migsim.host-event':
      return message.kind;
    case 'migsim.page-stream':
      return pageStreamPattern(message.kind);
    default:
      return message.type;
  }
}

/**
 * Pattern -> payload maps for Nest's typed `@EventPattern<Events>(pattern)`:
 * the pattern must be one the protocol defines and the handler's payload is
 * typed from it.
 */
export type HostCommandEvents = { [K in HostCommandKind]: HostCommandV1 };
export type HostEventEvents = { [K in HostEventKind]: HostEventV1 };
export type PageStreamEvents = { [K in PageStreamPattern]: PageStreamV1 };
