import { describe, expect, it } from 'vitest';
import { conformanceCodecs, type ConformanceMessage, type NoteV1 } from '../testing/conformance-messages';
import { describeQueuePortConformance, Inbox } from '../testing/queue-port-conformance';
import { RecordingLogger } from '../testing/recording-logger';
import { InMemoryQueuePort, type TimerPort } from './in-memory-queue-port';

describeQueuePortConformance('InMemoryQueuePort', async (delivery) => {
  const logger = new RecordingLogger();
  const port = new InMemoryQueuePort({ codecs: conformanceCodecs(), delivery, logger });
  return {
    port,
    logger,
    sendRaw: (queue, body, jobId) => port.sendRaw(queue, body, { jobId }),
    dispose: () => port.close(),
  };
});

/** Timers that fire only when the test advances them: virtual time for the port. */
class ManualTimers implements TimerPort {
  private nowMs = 0;
  private pending: { atMs: number; callback: () => void }[] = [];

  setTimeout(callback: () => void, delayMs: number): unknown {
    const entry = { atMs: this.nowMs + delayMs, callback };
    this.pending.push(entry);
    return entry;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((entry) => entry !== handle);
  }

  async advance(ms: number): Promise<void> {
    this.nowMs += ms;
    const due = this.pending.filter((entry) => entry.atMs <= this.nowMs).sort((a, b) => a.atMs - b.atMs);
    this.pending = this.pending.filter((entry) => entry.atMs > this.nowMs);
    for (const entry of due) entry.callback();
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
  }

  get now(): number {
    return this.nowMs;
  }
}

const note = (n: number): NoteV1 => ({ v: 1, type: 'conformance.note', text: `note ${n}`, n });

describe('InMemoryQueuePort on virtual time', () => {
  it('in-memory-port: retries wait for the backoff on the timers it is given, not on the wall clock', async () => {
    const timers = new ManualTimers();
    const port = new InMemoryQueuePort({
      codecs: conformanceCodecs(),
      delivery: { maxAttempts: 3, backoffDelayMs: 1_000 },
      logger: new RecordingLogger(),
      timers,
      clock: () => timers.now,
    });
    const inbox = new Inbox<ConformanceMessage>(async (_message, context) => {
      if (context.attempt < 3) throw new Error('not yet');
    });
    await port.consume('virtual.retry', inbox.handler, { concurrency: 1 });
    await port.send('virtual.retry', note(1), { jobId: 'virtual~1' });
    await timers.advance(0);
    expect(inbox.deliveries).toHaveLength(1);
    await timers.advance(999);
    expect(inbox.deliveries).toHaveLength(1);
    await timers.advance(1);
    expect(inbox.deliveries).toHaveLength(2);
    await timers.advance(1_999);
    expect(inbox.deliveries).toHaveLength(2);
    await timers.advance(1);
    expect(inbox.deliveries.map((d) => d.context.attempt)).toEqual([1, 2, 3]);
    expect(port.counts('virtual.retry')).toEqual({ waiting: 0, inFlight: 0 });
    await port.close();
  });

  it('in-memory-port: two consumers of one queue share its jobs, each job going to one of them', async () => {
    const port = new InMemoryQueuePort({ codecs: conformanceCodecs(), logger: new RecordingLogger() });
    const left = new Inbox<ConformanceMessage>();
    const right = new Inbox<ConformanceMessage>();
    await port.consume('shared.q', left.handler, { concurrency: 1 });
    await port.consume('shared.q', right.handler, { concurrency: 1 });
    await port.sendBulk('shared.q', Array.from({ length: 10 }, (_, n) => ({ message: note(n), jobId: `shared~${n}` })));
    await new Promise((wake) => setTimeout(wake, 50));
    const seen = [...left.deliveries, ...right.deliveries].map((d) => (d.message as NoteV1).n).sort((a, b) => a - b);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(left.deliveries.length).toBeGreaterThan(0);
    expect(right.deliveries.length).toBeGreaterThan(0);
    await port.close();
  });
});
