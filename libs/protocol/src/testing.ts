/** fast-check arbitraries of valid cluster messages and deliveries (every kind; the rules that span fields held). */
export { clusterDeliveryArbitrary, clusterMessageArbitraries, clusterMessageArbitrary, pageBatchArbitrary } from './cluster/cluster-arbitraries';
export { refusal } from './cluster/refusal';
