import { afterEach, describe, expect, it, vi } from 'vitest';
import { serviceLogger } from './service-logger';

afterEach(() => {
  vi.restoreAllMocks();
});

function capturedLines(): () => Record<string, unknown>[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('serviceLogger', () => {
  it('service-logger: each line is one JSON object tagged with the service and the transport fields', () => {
    const lines = capturedLines();
    serviceLogger('source-host').warn('consumer reconnecting', { queue: 'host.src.commands' });
    expect(lines()).toEqual([{ level: 'warn', service: 'source-host', message: 'consumer reconnecting', queue: 'host.src.commands' }]);
  });

  it('service-logger: a dead-lettered message is an error for the service even though the transport warns', () => {
    const lines = capturedLines();
    const logger = serviceLogger('controller');
    logger.warn('message dead-lettered', { code: 'MESSAGE_MALFORMED' });
    logger.error('redis connection lost', {});
    expect(lines().map((line) => [line.level, line.message])).toEqual([
      ['error', 'message dead-lettered'],
      ['error', 'redis connection lost'],
    ]);
  });
});
