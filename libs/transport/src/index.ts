// Errors
export { isTransportError, RedisUnavailableError, TransportError, transportError, type TransportErrorCode } from './errors';

// Redis resolution
export { resolveRedis, type RedisSource, type ResolvedRedis, type ResolveRedisOptions } from './redis/resolve-redis';
export { PrivateRedisServer, type PrivateRedisServerOptions } from './redis/private-redis-server';
export { DEFAULT_REDIS_IMAGE } from './redis/container-redis';
export { findContainerRuntime, type ContainerRuntime } from './redis/container-runtime';
export { namespaceKeys, purgeNamespace } from './redis/purge-namespace';
export { RedisStateStore, type RedisStateStoreOptions } from './redis/redis-state-store';
export { HostPresence, presenceKey, type HostPresenceOptions } from './redis/host-presence';
export { InMemoryJournal, type Journal } from './journal/journal';
export { RedisJournal, type RedisJournalOptions } from './journal/redis-journal';

// Naming
export { DEAD_LETTER_QUEUE, assertQueueName, hashTagPrefix, queueLayout, type QueueLayout } from './naming/queue-layout';
export { assertJobId, deadLetterJobId, encodeIdPart } from './naming/job-id';
export { hashTagOf, redisKeySlot, REDIS_CLUSTER_SLOTS } from './naming/key-slot';

// Messages
export type { Envelope, JsonValue } from './messages/envelope';
export { checkFields, checks, formatIssues, type FieldCheck, type FieldIssue, type FieldSpec, type OptionalFieldCheck } from './messages/field-checks';
export { CodecRegistry, defineCodec, type MessageCodec, type MessageFields } from './messages/codec-registry';
export {
  DEAD_LETTER_CODES,
  DEAD_LETTER_TYPE,
  deadLetterCodecV1,
  type DeadLetterCode,
  type DeadLetterMessageV1,
} from './messages/dead-letter-message';
export { transportCodecs } from './messages/transport-codecs';

// Queue port
export type {
  BulkEntry,
  ConsumeOptions,
  Consumer,
  DeliveryContext,
  MessageHandler,
  QueuePort,
  SendOptions,
} from './interfaces/queue-port';
export { stderrLogger, type TransportLogger } from './interfaces/transport-logger';
export { serviceLogger } from './interfaces/service-logger';
export { DEFAULT_DELIVERY_POLICY, deliveryPolicy, type DeliveryPolicy } from './queue/delivery-policy';
export { BullmqQueuePort, type BullmqQueuePortOptions } from './queue/bullmq-queue-port';
export { InMemoryQueuePort, type InMemoryQueuePortOptions, type TimerPort } from './queue/in-memory-queue-port';
export { Outbox } from './queue/outbox';
export { closeWithin } from './queue/close-within';

// Benchmark helper
export { completedJobs, RedisCpuProbe, type CompletedJob } from './redis/completed-jobs';
export { measureRawBullmq, type RawBullmqMeasurement, type RawBullmqOptions } from './queue/measure-raw-bullmq';

// Operators' read side: job counts and bull-board adapters
export { QueueWatch, type QueueBoardAdapter, type QueueCounts, type QueueWatchOptions } from './queue/queue-watch';
export { ConfigError, positiveInteger, readDeliveryOverrides, readServedShardsConfig, type Env, type ServedShardsConfig } from './config/served-shards-config';
