import { describe, expect, it } from 'vitest';
import { migrationPolicy } from './policy';
import { retryDelayNs, shouldRetry } from './retry-backoff';

const S = 1_000_000_000;

describe('retries with exponential backoff', () => {
  it('waits 20 s after the first failure, then doubles (KubeVirt evacuation backoff)', () => {
    const policy = migrationPolicy();
    expect([1, 2, 3, 4].map((n) => retryDelayNs(policy, n) / S)).toEqual([20, 40, 80, 160]);
  });

  it('the delay is capped by retryBackoffMaxNs', () => {
    const policy = migrationPolicy({ retryBackoffInitialNs: 10 * S, retryBackoffMaxNs: 25 * S });
    expect([1, 2, 3].map((n) => retryDelayNs(policy, n) / S)).toEqual([10, 20, 25]);
  });

  it('a multiplier of 3 triples the delay each time', () => {
    const policy = migrationPolicy({ retryBackoffInitialNs: 1 * S, retryBackoffMultiplier: 3 });
    expect([1, 2, 3].map((n) => retryDelayNs(policy, n) / S)).toEqual([1, 3, 9]);
  });

  it('stops after maxAttempts attempts', () => {
    const policy = migrationPolicy({ maxAttempts: 3 });
    expect([1, 2, 3].map((attempt) => shouldRetry(policy, attempt))).toEqual([true, true, false]);
  });

  it('rejects a policy with fewer than one attempt', () => {
    expect(() => migrationPolicy({ maxAttempts: 0 })).toThrow(RangeError);
  });
});
