import { isTransportError } from '../errors';
import type { DeliveryContext, MessageHandler } from '../interfaces/queue-port';
import type { CodecRegistry } from '../messages/codec-registry';
import { DEAD_LETTER_TYPE, type DeadLetterCode, type DeadLetterMessageV1 } from '../messages/dead-letter-message';
import type { Envelope, JsonValue } from '../messages/envelope';
import type { DeliveryPolicy } from './delivery-policy';

export type DeliveryOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'dead-letter'; readonly code: DeadLetterCode; readonly reason: string; readonly attempts: number }
  | { readonly kind: 'retry'; readonly error: unknown };

/**
 * One delivery, the same in both ports: give up on jobs that stalled too
 * often, dead-letter what does not decode, run the handler, and decide
 * between completed, retry and dead-letter. The port then records the outcome
 * in its own store.
 */
export async function deliver<M extends Envelope>(
  body: unknown,
  context: DeliveryContext,
  registry: CodecRegistry<M>,
  handler: MessageHandler<M>,
  policy: DeliveryPolicy,
): Promise<DeliveryOutcome> {
  const attemptsBefore = context.attempt - 1;
  if (context.stalledCount > policy.maxStalledCount) {
    return {
      kind: 'dead-letter',
      code: 'STALLED_TOO_OFTEN',
      reason: `consumers lost the job ${context.stalledCount} times (more than maxStalledCount=${policy.maxStalledCount})`,
      attempts: attemptsBefore,
    };
  }
  let message: M;
  try {
    message = registry.decode(body);
  } catch (error) {
    if (isTransportError(error) && error.code.startsWith('MESSAGE_')) {
      return { kind: 'dead-letter', code: error.code as DeadLetterCode, reason: error.message, attempts: attemptsBefore };
    }
    throw error;
  }
  try {
    await handler(message, context);
    return { kind: 'completed' };
  } catch (error) {
    // Nothing handles this message here, and nothing will on a retry.
    if (isTransportError(error, 'NO_HANDLER')) return { kind: 'dead-letter', code: 'NO_HANDLER', reason: error.message, attempts: attemptsBefore };
    if (context.attempt >= context.maxAttempts) {
      return { kind: 'dead-letter', code: 'HANDLER_FAILED', reason: errorMessage(error), attempts: context.attempt };
    }
    return { kind: 'retry', error };
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}

/** The dead letter recorded for a job; `body` is the source job's data untouched. */
export function deadLetterFor(
  sourceQueue: string,
  jobId: string,
  body: unknown,
  outcome: Extract<DeliveryOutcome, { kind: 'dead-letter' }>,
  nowMs: number,
): DeadLetterMessageV1 {
  return {
    v: 1,
    type: DEAD_LETTER_TYPE,
    sourceQueue,
    jobId,
    code: outcome.code,
    reason: outcome.reason,
    attempts: outcome.attempts,
    body: toJsonValue(body),
    deadLetteredAtMs: Math.floor(nowMs),
  };
}

function toJsonValue(body: unknown): JsonValue {
  if (body === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(body)) as JsonValue;
  } catch {
    return String(body);
  }
}
