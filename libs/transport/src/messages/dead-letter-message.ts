import { defineCodec, type MessageCodec } from './codec-registry';
import type { Envelope, JsonValue } from './envelope';
import { checks } from './field-checks';

export const DEAD_LETTER_TYPE = 'transport.dead-letter';

/** Why a message ended in the dead-letter queue. */
export type DeadLetterCode =
  /** The handler threw on every one of `maxAttempts` attempts. */
  | 'HANDLER_FAILED'
  /** Consumers died (or stalled past their lock) while holding it, more than `maxStalledCount` times. */
  | 'STALLED_TOO_OFTEN'
  /** The message decoded, but the consumer has no handler for its pattern (e.g. no `@EventPattern` for its kind). */
  | 'NO_HANDLER'
  | 'MESSAGE_MALFORMED'
  | 'MESSAGE_UNKNOWN_TYPE'
  | 'MESSAGE_UNKNOWN_VERSION';

export const DEAD_LETTER_CODES: readonly DeadLetterCode[] = [
  'HANDLER_FAILED',
  'STALLED_TOO_OFTEN',
  'NO_HANDLER',
  'MESSAGE_MALFORMED',
  'MESSAGE_UNKNOWN_TYPE',
  'MESSAGE_UNKNOWN_VERSION',
];

export interface DeadLetterMessageV1 extends Envelope<typeof DEAD_LETTER_TYPE, 1> {
  readonly sourceQueue: string;
  readonly jobId: string;
  readonly code: DeadLetterCode;
  /** Human-readable reason: the handler's error message or the decode error. */
  readonly reason: string;
  /** Handler attempts made before giving up (0 when the body never decoded). */
  readonly attempts: number;
  /** The body exactly as it was on the source queue, undecoded. */
  readonly body: JsonValue;
  readonly deadLetteredAtMs: number;
}

export const deadLetterCodecV1: MessageCodec<DeadLetterMessageV1> = defineCodec<DeadLetterMessageV1>(DEAD_LETTER_TYPE, 1, {
  sourceQueue: checks.nonEmptyString,
  jobId: checks.nonEmptyString,
  code: checks.oneOf(...DEAD_LETTER_CODES),
  reason: checks.string,
  attempts: checks.integer(0),
  body: checks.json,
  deadLetteredAtMs: checks.integer(0),
});
