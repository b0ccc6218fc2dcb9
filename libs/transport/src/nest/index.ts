// NestJS side of libs/transport: a microservice transport strategy over the
// QueuePort, and the module that gives a service its producer port and outbox.
export { BULLMQ_TRANSPORT, BullmqTransport, type BullmqTransportOptions, type ServedQueue } from './bullmq-transport.strategy';
export { DeadLetters } from './dead-letters';
export { DeliveryErrorFilter } from './delivery-error.filter';
export { MigsimQueueModule, OUTBOX, QUEUE_PORT, type MigsimQueueOptions } from './migsim-queue.module';
export { QueueContext } from './queue-context';
export { servedShards } from './served-shards';
