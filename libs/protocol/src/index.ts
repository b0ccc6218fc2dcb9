export { HOST_COMMAND_KINDS, hostCommandCodecV1, type HostCommandKind, type HostCommandV1 } from './host-command';
export { HOST_EVENT_KINDS, hostEventCodecV1, type HostEventKind, type HostEventV1 } from './host-event';
export { PAGE_STREAM_KINDS, pageStreamCodecV1, type PageStreamKind, type PageStreamV1 } from './page-stream';
export { asJson, serviceCodecs, type ServiceMessage, type WireMessage } from './service-codecs';
export {
  messagePattern,
  pageStreamPattern,
  type HostCommandEvents,
  type HostEventEvents,
  type PageStreamEvents,
  type PageStreamPattern,
} from './message-pattern';
export { CLUSTER_MESSAGE_DECODERS, decodeClusterMessage, type ClusterMessageOfKind } from './cluster/cluster-message';
export { decodeDeliveries, decodeDelivery } from './cluster/delivery';
export type { Decoder } from './cluster/rules';
