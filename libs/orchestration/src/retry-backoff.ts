import type { MigrationPolicy } from './policy';

/**
 * Retries with exponential backoff, as KubeVirt's migration controller delays
 * a new evacuation migration of a VM whose previous ones failed
 * (`handleMigrationBackoff`, pkg/virt-controller/watch/migration: 20 s after
 * the first failure, doubled for every further consecutive failure; the
 * multiplier is a knob here).
 */
export type RetryPolicy = Pick<MigrationPolicy, 'maxAttempts' | 'retryBackoffInitialNs' | 'retryBackoffMultiplier' | 'retryBackoffMaxNs'>;

/** Delay before the next attempt after `consecutiveFailures` (>= 1) failed ones. */
export function retryDelayNs(policy: RetryPolicy, consecutiveFailures: number): number {
  if (consecutiveFailures < 1) return 0;
  return Math.min(policy.retryBackoffInitialNs * policy.retryBackoffMultiplier ** (consecutiveFailures - 1), policy.retryBackoffMaxNs);
}

/** Whether a VM whose attempt number `attempt` (1-based) just failed gets another one. */
export function shouldRetry(policy: RetryPolicy, attempt: number): boolean {
  return attempt < policy.maxAttempts;
}
