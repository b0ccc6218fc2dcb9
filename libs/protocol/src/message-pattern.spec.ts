import { describe, expect, it } from 'vitest';
import { HOST_COMMAND_KINDS } from './host-command';
import { HOST_EVENT_KINDS } from './host-event';
import { messagePattern } from './message-pattern';
import { PAGE_STREAM_KINDS } from './page-stream';
import { hostCommand, hostEvent, pageStream } from './testing';

describe('protocol: the @EventPattern each message is dispatched to', () => {
  it('protocol: host commands and host events go by kind, page-stream messages by pages.<kind>', () => {
    expect(messagePattern(hostCommand('migration.start'))).toBe('migration.start');
    expect(messagePattern(hostEvent('migration.ended'))).toBe('migration.ended');
    expect(messagePattern(pageStream('batch', 3))).toBe('pages.batch');
  });

  it('protocol: no two message kinds share a pattern, so one process can serve several queues', () => {
    const patterns = [
      ...HOST_COMMAND_KINDS.map((kind) => messagePattern(hostCommand(kind))),
      ...HOST_EVENT_KINDS.map((kind) => messagePattern(hostEvent(kind))),
      ...PAGE_STREAM_KINDS.map((kind) => messagePattern(pageStream(kind, 0))),
    ];
    expect(new Set(patterns).size).toBe(patterns.length);
  });
});
