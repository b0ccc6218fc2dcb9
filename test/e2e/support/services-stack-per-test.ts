import type { ResolvedRedis } from '@migsim/transport';
import { resolveTestRedis } from '@migsim/transport/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ServicesStack, type StackOptions } from './services-stack';

/**
 * The hooks every services spec needs, registered by one call at the top of
 * the file: one Redis for the file, found as users find it (resolveRedis);
 * the stacks a test creates are stopped (and their namespace purged) after
 * that test, whatever happened in it. Returns the stack factory.
 */
export function servicesStackPerTest(): (options: Omit<StackOptions, 'redisUrl'>) => ServicesStack {
  let redis: ResolvedRedis | undefined;
  const stacks: ServicesStack[] = [];

  beforeAll(async () => {
    redis = await resolveTestRedis();
  });
  afterEach(async () => {
    for (const stack of stacks.splice(0)) await stack.stop();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  return (options) => {
    if (redis === undefined) throw new Error('servicesStackPerTest: create stacks inside a test, once Redis is resolved');
    const stack = new ServicesStack({ ...options, redisUrl: redis.url });
    stacks.push(stack);
    return stack;
  };
}
