/**
 * Retry, lock and retention settings shared by both ports (see the semantics
 * in interfaces/queue-port.ts). Defaults suit migsim's traffic — small
 * messages handled in milliseconds, hosts that crash on purpose:
 *
 * - `lockDurationMs` 10 s (BullMQ: 30 s): a killed host's jobs come back within
 *   about 20 s instead of a minute, while a handler has ample time; the lock
 *   is renewed every 5 s while the process lives.
 * - `stalledIntervalMs` 5 s (BullMQ: 30 s): the check is one cheap Lua script.
 * - `maxStalledCount` 2 (BullMQ: 1): one crash of a host is a fault migsim
 *   injects on purpose and must not cost a message; a message that kills
 *   consumers three times is dead-lettered.
 * - `maxAttempts` 5, `backoffDelayMs` 200: retries at 0.2, 0.4, 0.8, 1.6 s.
 * - `idempotencyWindowSec` 24 h: completed jobs (and so their ids) are kept
 *   that long; a re-send inside the window is a no-op.
 */
export interface DeliveryPolicy {
  readonly maxAttempts: number;
  readonly backoffDelayMs: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly idempotencyWindowSec: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 5,
  backoffDelayMs: 200,
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 2,
  idempotencyWindowSec: 86_400,
};

export function deliveryPolicy(overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...overrides };
  const positive: (keyof DeliveryPolicy)[] = ['maxAttempts', 'lockDurationMs', 'stalledIntervalMs', 'idempotencyWindowSec'];
  for (const key of positive) {
    if (!Number.isSafeInteger(policy[key]) || policy[key] < 1) throw new RangeError(`delivery policy ${key}: expected an integer >= 1, got ${policy[key]}`);
  }
  for (const key of ['backoffDelayMs', 'maxStalledCount'] as const) {
    if (!Number.isSafeInteger(policy[key]) || policy[key] < 0) throw new RangeError(`delivery policy ${key}: expected an integer >= 0, got ${policy[key]}`);
  }
  return policy;
}

/** BullMQ's exponential backoff: the wait before handler attempt `failedAttempts + 1`. */
export function backoffDelayMs(policy: DeliveryPolicy, failedAttempts: number): number {
  return Math.round(2 ** (failedAttempts - 1) * policy.backoffDelayMs);
}

/** A send's `delayMs`: absent, or a finite number >= 0 (both ports refuse the rest alike). */
export function assertDelayMs(delayMs: number | undefined): void {
  if (delayMs !== undefined && (!Number.isFinite(delayMs) || delayMs < 0)) {
    throw new RangeError(`delayMs: expected a number >= 0, got ${delayMs}`);
  }
}
