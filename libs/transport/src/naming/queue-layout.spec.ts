import { describe, expect, it } from 'vitest';
import { redisKeySlot } from './key-slot';
import { assertQueueName, queueLayout } from './queue-layout';

describe('queueLayout', () => {
  it('queue-layout: names per host and a dead-letter queue under the {migsim:<namespace>} hash tag', () => {
    const layout = queueLayout('demo-1');
    expect(layout.prefix).toBe('{migsim:demo-1}');
    expect(layout.hostCommands('src-1')).toBe('host.src-1.commands');
    expect(layout.controllerEvents).toBe('controller.events');
    expect(layout.migrationPages('dst-2')).toBe('migration.pages.dst-2');
    expect(layout.deadLetter).toBe('dead-letter');
    expect(layout.qualified(layout.hostCommands('src-1'))).toBe('{migsim:demo-1}:host.src-1.commands');
  });

  it('queue-layout: every queue of a namespace, and every BullMQ key under it, is in one cluster slot', () => {
    const layout = queueLayout('demo-1');
    const queues = [layout.hostCommands('a'), layout.hostCommands('b'), layout.controllerEvents, layout.migrationPages('b'), layout.deadLetter];
    const keys = queues.flatMap((queue) => ['wait', 'active', 'meta', 'events', 'job~1'].map((suffix) => `${layout.qualified(queue)}:${suffix}`));
    const slots = new Set(keys.map(redisKeySlot));
    expect(slots).toEqual(new Set([redisKeySlot('migsim:demo-1')]));
    expect(redisKeySlot(`${queueLayout('demo-2').prefix}:controller.events:wait`)).not.toBe(redisKeySlot(keys[0] as string));
  });

  it('queue-layout: names that would break BullMQ or the hash tag are refused with the rule', () => {
    expect(() => queueLayout('a:b')).toThrow(/NAMESPACE_INVALID: namespace "a:b": expected 1-64 letters/);
    expect(() => queueLayout('{x}')).toThrow(/NAMESPACE_INVALID/);
    expect(() => queueLayout('ok').hostCommands('src.1')).toThrow(/QUEUE_NAME_INVALID: host name "src.1"/);
    expect(() => queueLayout('ok').migrationPages('')).toThrow(/QUEUE_NAME_INVALID/);
    expect(() => assertQueueName('host:a')).toThrow(/QUEUE_NAME_INVALID: queue name "host:a": expected .*no ':' or braces/);
    expect(() => assertQueueName('{x}.q')).toThrow(/QUEUE_NAME_INVALID/);
    expect(assertQueueName('migration.pages.dst-2')).toBe('migration.pages.dst-2');
  });
});
