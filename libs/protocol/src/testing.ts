import type { JsonValue } from '@migsim/transport';
import type { HostCommandKind, HostCommandV1 } from './host-command';
import type { HostEventKind, HostEventV1 } from './host-event';
import type { PageStreamKind, PageStreamV1 } from './page-stream';

/** A valid host command; override any field. */
export function hostCommand(kind: HostCommandKind, body: JsonValue = {}, overrides: Partial<HostCommandV1> = {}): HostCommandV1 {
  return { v: 1, type: 'migsim.host-command', run: 'run-1', host: 'src', kind, body, ...overrides };
}

/** A valid host event; override any field. */
export function hostEvent(kind: HostEventKind, body: JsonValue = {}, overrides: Partial<HostEventV1> = {}): HostEventV1 {
  return { v: 1, type: 'migsim.host-event', run: 'run-1', host: 'src', kind, body, ...overrides };
}

/** A valid page-stream message; override any field. */
export function pageStream(kind: PageStreamKind, seq: number, body: JsonValue = {}, overrides: Partial<PageStreamV1> = {}): PageStreamV1 {
  return { v: 1, type: 'migsim.page-stream', run: 'run-1', migration: 'baseline/m1', attempt: 0, seq, kind, body, ...overrides };
}

/** fast-check arbitraries of valid cluster messages and deliveries (every kind; the rules that span fields held). */
export { clusterDeliveryArbitrary, clusterMessageArbitraries, clusterMessageArbitrary, pageBatchArbitrary } from './cluster/cluster-arbitraries';
