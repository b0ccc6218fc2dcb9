import { malformed } from './decode-error';

/**
 * `attemptId` is `<migration id>#<attempt number>` (libs/cluster messages.ts,
 * the controller's `${record.id}#${number}`): a message that carries all
 * three must agree with itself.
 */
export function checkAttemptId(message: { attemptId: string; migration: string; attempt: number }, path: string): void {
  const expected = `${message.migration}#${message.attempt}`;
  if (message.attemptId !== expected) throw malformed(`${path}.attemptId`, `${JSON.stringify(expected)} (<migration>#<attempt>)`, message.attemptId);
}
