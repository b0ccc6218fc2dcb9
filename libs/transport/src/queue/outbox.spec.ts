import { afterEach, describe, expect, it } from 'vitest';
import type { BulkEntry, QueuePort, SendOptions } from '../interfaces/queue-port';
import { conformanceCodecs, note, type ConformanceMessage } from '../testing/conformance-messages';
import { Inbox } from '../testing/queue-port-conformance';
import { RecordingLogger } from '../testing/recording-logger';
import { InMemoryQueuePort } from './in-memory-queue-port';
import { Outbox } from './outbox';

/**
 * The in-memory port behind a switch: while `redisAway` holds for a queue,
 * every send to it fails as a BullMQ producer's does when Redis is gone.
 */
class FlakyPort implements QueuePort<ConformanceMessage> {
  readonly away = new Set<string>();
  failedSends = 0;
  /** Bulk calls (counted from 1) that fail once, as a bulk lost with a dropped connection does. */
  readonly failBulkCalls = new Set<number>();
  bulkCalls = 0;

  constructor(readonly inner: InMemoryQueuePort<ConformanceMessage>) {}

  async send(queue: string, message: ConformanceMessage, options: SendOptions): Promise<void> {
    this.refuseIfAway(queue);
    await this.inner.send(queue, message, options);
  }

  async sendBulk(queue: string, entries: readonly BulkEntry<ConformanceMessage>[]): Promise<void> {
    this.refuseIfAway(queue);
    if (this.failBulkCalls.delete(++this.bulkCalls)) {
      this.failedSends++;
      throw new Error('Connection is closed.');
    }
    await this.inner.sendBulk(queue, entries);
  }

  consume: QueuePort<ConformanceMessage>['consume'] = (queue, handler, options) => this.inner.consume(queue, handler, options);

  close(): Promise<void> {
    return this.inner.close();
  }

  private refuseIfAway(queue: string): void {
    if (this.away.has(queue)) {
      this.failedSends++;
      throw new Error('Connection is closed.');
    }
  }
}

const ports: FlakyPort[] = [];

function flakyPort(): FlakyPort {
  const port = new FlakyPort(new InMemoryQueuePort({ codecs: conformanceCodecs(), logger: new RecordingLogger() }));
  ports.push(port);
  return port;
}

afterEach(async () => {
  await Promise.all(ports.splice(0).map((port) => port.close()));
});

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

const sentNumbers = (inbox: Inbox<ConformanceMessage>) => inbox.deliveries.map((delivery) => (delivery.message.type === 'conformance.note' ? delivery.message.n : -1));

describe('Outbox', () => {
  it('outbox: messages pushed to one queue arrive once each, in push order', async () => {
    const port = flakyPort();
    const inbox = new Inbox<ConformanceMessage>();
    await port.consume('notes', inbox.handler, { concurrency: 1 });
    const outbox = new Outbox(port, () => {});
    for (let n = 0; n < 700; n++) outbox.push('notes', note(n), `note-${n}`);

    expect(await outbox.drain(5_000)).toBe(true);
    await inbox.waitFor(700);
    expect(sentNumbers(inbox)).toEqual(Array.from({ length: 700 }, (_, n) => n));
    expect(outbox.sent).toBe(700);
    expect(outbox.pending).toBe(0);
  });

  it('outbox: a message pushed while a flush is ending, microtasks after the last send, is sent (never left behind a flush that ended)', async () => {
    // Every microtask depth after the first send: one of them falls between the
    // flush's last look at the lane and the moment it says it is done.
    for (let depth = 0; depth < 12; depth++) {
      const port = flakyPort();
      const inbox = new Inbox<ConformanceMessage>();
      await port.consume('notes', inbox.handler, { concurrency: 1 });
      const outbox = new Outbox(port, () => {});
      outbox.push('notes', note(0), 'note-0');
      let chain = Promise.resolve();
      for (let k = 0; k < depth; k++) chain = chain.then(() => undefined);
      await chain.then(() => outbox.push('notes', note(1), 'note-1'));
      expect(await outbox.drain(1_000), `pushed ${depth} microtasks in`).toBe(true);
      await inbox.waitFor(2);
      expect(sentNumbers(inbox)).toEqual([0, 1]);
    }
  });

  it('outbox: while Redis is away nothing is lost; sends are retried in order and the outage is logged once', async () => {
    const port = flakyPort();
    port.away.add('notes');
    const inbox = new Inbox<ConformanceMessage>();
    await port.consume('notes', inbox.handler, { concurrency: 1 });
    const lines: string[] = [];
    const outbox = new Outbox(port, (line) => lines.push(line), 5);
    for (let n = 0; n < 5; n++) outbox.push('notes', note(n), `note-${n}`);

    expect(await outbox.drain(60)).toBe(false);
    expect(outbox.pending).toBe(5);
    expect(port.failedSends).toBeGreaterThan(1);
    outbox.push('notes', note(5), 'note-5');
    port.away.delete('notes');

    expect(await outbox.drain(5_000)).toBe(true);
    await inbox.waitFor(6);
    expect(sentNumbers(inbox)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lines).toEqual([
      'outbox: send to notes failed (Connection is closed.); retrying every 5 ms',
      `outbox: Redis reachable again after ${port.failedSends} failed send(s)`,
    ]);
  });

  it('outbox: a lane with several bulks in flight keeps push order while every send succeeds', async () => {
    const port = flakyPort();
    const inbox = new Inbox<ConformanceMessage>();
    await port.consume('notes', inbox.handler, { concurrency: 1 });
    const outbox = new Outbox(port, () => {}, 5, () => 8);
    for (let n = 0; n < 1_500; n++) outbox.push('notes', note(n), `note-${n}`);

    expect(await outbox.drain(5_000)).toBe(true);
    await inbox.waitFor(1_500);
    expect(sentNumbers(inbox)).toEqual(range(0, 1_500));
    expect(port.bulkCalls).toBeGreaterThan(8);
  });

  it('outbox: when one of the bulks in flight fails, it and the bulks after it are sent again and every message arrives once', async () => {
    const port = flakyPort();
    port.failBulkCalls.add(2);
    const inbox = new Inbox<ConformanceMessage>();
    await port.consume('notes', inbox.handler, { concurrency: 1 });
    const lines: string[] = [];
    const outbox = new Outbox(port, (line) => lines.push(line), 5, (queue) => (queue === 'notes' ? 8 : 1));
    for (let n = 0; n < 450; n++) outbox.push('notes', note(n), `note-${n}`);

    expect(await outbox.drain(5_000)).toBe(true);
    await inbox.waitFor(450);
    await new Promise((wake) => setTimeout(wake, 30));
    // The 450 pushes of one synchronous run leave together, as bulks 1-5 of 100 (the last of 50). Bulk 2 (100-199)
    // failed, so 2-5 went again (3-5 as no-ops): 200-449 overtook 100-199, nothing else moved.
    const expected = [...range(0, 100), ...range(200, 450), ...range(100, 200)];
    expect(sentNumbers(inbox)).toEqual(expected);
    expect(outbox.sent).toBe(450);
    expect(port.failedSends).toBe(1);
    expect(lines).toEqual(['outbox: send to notes failed (Connection is closed.); retrying every 5 ms', 'outbox: Redis reachable again after 1 failed send(s)']);
  });

  it('outbox: a queue that cannot be reached does not hold back the other queues', async () => {
    const port = flakyPort();
    port.away.add('stuck');
    const inbox = new Inbox<ConformanceMessage>();
    await port.consume('flowing', inbox.handler, { concurrency: 1 });
    const outbox = new Outbox(port, () => {}, 5);
    outbox.push('stuck', note(0), 'stuck-0');
    outbox.push('flowing', note(1), 'flowing-1');
    outbox.push('flowing', note(2), 'flowing-2');

    await inbox.waitFor(2);
    expect(sentNumbers(inbox)).toEqual([1, 2]);
    expect(outbox.pending).toBe(1);
    port.away.delete('stuck');
    expect(await outbox.drain(5_000)).toBe(true);
  });

  it('outbox: pushing a job id twice sends one message, since re-sending is idempotent', async () => {
    const port = flakyPort();
    const inbox = new Inbox<ConformanceMessage>();
    await port.consume('notes', inbox.handler, { concurrency: 1 });
    const outbox = new Outbox(port, () => {});
    outbox.push('notes', note(1), 'same-id');
    expect(await outbox.drain(5_000)).toBe(true);
    outbox.push('notes', note(1), 'same-id');
    outbox.push('notes', note(2), 'other-id');
    expect(await outbox.drain(5_000)).toBe(true);
    await inbox.waitFor(2);
    await new Promise((wake) => setTimeout(wake, 30));
    expect(sentNumbers(inbox)).toEqual([1, 2]);
  });
});
