import { randomBytes } from 'node:crypto';
import { resolveRedis, type ResolveRedisOptions, type ResolvedRedis } from '../redis/resolve-redis';

/**
 * Redis for a test file, found exactly as users find it (resolveRedis). Never
 * skips: when no Redis can be had the test fails with the resolution error,
 * which says what to install — in CI (`CI=true`) and elsewhere alike.
 */
export async function resolveTestRedis(options: Omit<ResolveRedisOptions, 'env'> = {}): Promise<ResolvedRedis> {
  return resolveRedis({ ...options, env: process.env });
}

/** A namespace of its own for one test: its keys are `{migsim:<namespace>}:*`. */
export function uniqueNamespace(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40);
  return `t-${safe}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((wake) => setTimeout(wake, 10));
  }
  return condition();
}
