// The actors' messages, one type per kind (libs/cluster), decoded and validated at the edge.
export { CLUSTER_MESSAGE_DECODERS, decodeClusterMessage, type ClusterMessageOfKind } from './cluster/cluster-message';
export { decodeDeliveries, decodeDelivery } from './cluster/delivery';
export type { Decoder } from './cluster/rules';
// The window protocol's envelopes between the coordinator and the shard workers (libs/runtime).
export * from './run/run-messages';
export { packPageStreams, unpackPageStreams } from './run/page-streams';
export { runCodecs, runStartCodecV1, windowOpenCodecV1, windowDoneCodecV1, runFinishCodecV1, runFactsCodecV1, malformedMail, type RunWireMessage } from './run/run-codecs';
