export { Rng, splitmix32, hashName } from './core/rng';
export { EventQueue, type ScheduledEvent } from './core/event-queue';
export { OrderedHeap } from './core/ordered-heap';
export { LinkModel, type FlowSpec } from './network/link-model';
export * from './world/actor';
export * from './world/delivery';
export { ActorSlot } from './world/actor-slot';
export { WorldError, type WorldErrorCode } from './world/world-error';
export * from './messages/messages';
