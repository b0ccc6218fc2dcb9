import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16, hashTagOf, REDIS_CLUSTER_SLOTS, redisKeySlot } from './key-slot';

describe('redisKeySlot', () => {
  it('key-slot: CRC16 matches the XMODEM check value of "123456789" (0x31C3) from the cluster spec', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x31c3);
    expect(redisKeySlot('123456789')).toBe(0x31c3 % REDIS_CLUSTER_SLOTS);
  });

  it('key-slot: keys with the same hash tag share a slot, as in the cluster spec example', () => {
    expect(redisKeySlot('{user1000}.following')).toBe(redisKeySlot('{user1000}.followers'));
    expect(redisKeySlot('{user1000}.following')).toBe(redisKeySlot('user1000'));
  });

  it('key-slot: only the first non-empty {...} is a hash tag', () => {
    expect(hashTagOf('foo{}{bar}')).toBeUndefined();
    expect(hashTagOf('foo{{bar}}zap')).toBe('{bar');
    expect(hashTagOf('foo{bar}{zap}')).toBe('bar');
    expect(hashTagOf('{migsim:ns}:shard.source-0:wait')).toBe('migsim:ns');
  });

  it('key-slot: any suffix after a hash tag keeps the slot', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((tag) => !tag.includes('}')), fc.string(), (tag, suffix) => {
        expect(redisKeySlot(`{${tag}}${suffix}`)).toBe(redisKeySlot(tag));
      }),
      { numRuns: 200 },
    );
  });
});
