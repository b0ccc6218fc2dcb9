import { describe, expect, it } from 'vitest';
import { redisKeySlot } from './key-slot';
import { assertQueueName, queueLayout } from './queue-layout';

describe('queueLayout', () => {
  it('queue-layout: a dead-letter queue and qualified names under the {migsim:<namespace>} hash tag', () => {
    const layout = queueLayout('demo-1');
    expect(layout.namespace).toBe('demo-1');
    expect(layout.prefix).toBe('{migsim:demo-1}');
    expect(layout.deadLetter).toBe('dead-letter');
    expect(layout.qualified('shard.source-0')).toBe('{migsim:demo-1}:shard.source-0');
    expect(layout.qualified(layout.deadLetter)).toBe('{migsim:demo-1}:dead-letter');
  });

  it('queue-layout: every queue of a namespace, and every BullMQ key under it, is in one cluster slot', () => {
    const layout = queueLayout('demo-1');
    const queues = ['coordinator', 'shard.source-0', 'shard.destination-1', layout.deadLetter];
    const keys = queues.flatMap((queue) => ['wait', 'active', 'meta', 'events', 'job~1'].map((suffix) => `${layout.qualified(queue)}:${suffix}`));
    const slots = new Set(keys.map(redisKeySlot));
    expect(slots).toEqual(new Set([redisKeySlot('migsim:demo-1')]));
    expect(redisKeySlot(`${queueLayout('demo-2').prefix}:coordinator:wait`)).not.toBe(redisKeySlot(keys[0] as string));
  });

  it('queue-layout: names that would break BullMQ or the hash tag are refused with the rule', () => {
    expect(() => queueLayout('a:b')).toThrow(/NAMESPACE_INVALID: namespace "a:b": expected 1-64 letters/);
    expect(() => queueLayout('{x}')).toThrow(/NAMESPACE_INVALID/);
    expect(() => queueLayout('a.b')).toThrow(/NAMESPACE_INVALID/);
    expect(() => queueLayout('ok').qualified('shard:1')).toThrow(/QUEUE_NAME_INVALID: queue name "shard:1"/);
    expect(() => queueLayout('ok').qualified('')).toThrow(/QUEUE_NAME_INVALID/);
    expect(() => assertQueueName('host:a')).toThrow(/QUEUE_NAME_INVALID: queue name "host:a": expected .*no ':' or braces/);
    expect(() => assertQueueName('{x}.q')).toThrow(/QUEUE_NAME_INVALID/);
    expect(() => assertQueueName('.shard')).toThrow(/QUEUE_NAME_INVALID/);
    expect(assertQueueName('shard.destination-2')).toBe('shard.destination-2');
  });
});
