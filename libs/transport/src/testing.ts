export {
  CONFORMANCE_DELIVERY,
  describeQueuePortConformance,
  Inbox,
  type QueuePortHarness,
  type QueuePortHarnessFactory,
} from './testing/queue-port-conformance';
export { conformanceCodecs, note, noteCodecV1, type ConformanceMessage, type NoteV1 } from './testing/conformance-messages';
export { RecordingLogger, type LogEntry } from './testing/recording-logger';
export { resolveTestRedis, uniqueNamespace, waitUntil } from './testing/test-redis';
