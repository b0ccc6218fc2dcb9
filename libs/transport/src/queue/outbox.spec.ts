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

  constructor(readonly inner: InMemoryQueuePort<ConformanceMessage>) {}

  async send(queue: string, message: ConformanceMessage, options: SendOptions): Promise<void> {
    this.refuseIfAway(queue);
    await this.inner.send(queue, message, options);
  }

  async sendBulk(queue: string, entries: readonly BulkEntry<ConformanceMessage>[]): Promise<void> {
    this.refuseIfAway(queue);
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
