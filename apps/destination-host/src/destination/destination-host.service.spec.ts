import type { PageStreamKind, PageStreamV1, WireMessage } from '@migsim/protocol';
import { queueLayout, type BullmqQueuePort, type Outbox } from '@migsim/transport';
import { describe, expect, it } from 'vitest';
import type { DestinationHostConfig } from '../config/destination-host-config';
import { DestinationHostService } from './destination-host.service';
import { sourceTraffic } from './testing';

function service() {
  const sent: { queue: string; message: WireMessage; jobId: string }[] = [];
  const outbox = { push: (queue: string, message: WireMessage, jobId: string) => sent.push({ queue, message, jobId }), pending: 0 } as unknown as Outbox<WireMessage>;
  const port = { layout: queueLayout('unit') } as unknown as BullmqQueuePort<WireMessage>;
  const config = { hosts: ['dst-1'], heartbeatMs: 500, namespace: 'unit' } as unknown as DestinationHostConfig;
  return { destination: new DestinationHostService(config, port, outbox), sent };
}

function stream(kind: PageStreamKind, seq: number, body: unknown): PageStreamV1 {
  return { v: 1, type: 'migsim.page-stream', run: 'r1', migration: 'default/m1', attempt: 1, seq, kind, body: body as PageStreamV1['body'] };
}

describe('destination host: answering the source', () => {
  it('answers the source the resume named even when the last batch arrives after the resume', () => {
    const { prepare, batches, check } = sourceTraffic();
    const { destination, sent } = service();
    destination.prepare('dst-1', stream('prepare', 1_000_000_000, { ...prepare, source: 'src-1', vm: 'vm-1' }));
    for (const batch of batches.slice(0, -1)) destination.receive('dst-1', stream('batch', batch.seq, batch));
    destination.resume('dst-1', stream('resume', 1_000_000_001, { check, source: 'src-1', vm: 'vm-1' }));
    expect(sent.filter((entry) => entry.queue === 'host.src-1.commands')).toEqual([]);
    const last = batches.at(-1)!;
    destination.receive('dst-1', stream('batch', last.seq, last));
    const answers = sent.filter((entry) => entry.queue === 'host.src-1.commands');
    expect(answers).toHaveLength(1);
    expect(answers[0]!.message).toMatchObject({ kind: 'migration.destination-answer', host: 'src-1', body: { vm: 'vm-1', migration: 'm1', attempt: 1, verification: { verified: true } } });
    expect(answers[0]!.jobId).toContain('1000000001');
  });
});
