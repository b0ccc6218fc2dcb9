import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeException } from '@nestjs/common';

/** The largest scenario the controller takes: the loader's own limit on a scenario's text (4 MiB). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The request body as text (scenarios are YAML or JSON; Nest's body parsers
 * are off). A body over `maxBytes` is a 413 with what the limit is, as soon
 * as its Content-Length or its bytes say so; what is left of it is drained
 * (Node discards an unread body once the response is sent), never buffered.
 */
export async function readBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes, `${declared} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxBytes) {
      request.resume();
      throw tooLarge(maxBytes, `more than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(maxBytes: number, found: string): PayloadTooLargeException {
  return new PayloadTooLargeException({
    statusCode: 413,
    error: 'Payload Too Large',
    message: `request body: found ${found}, expected at most ${maxBytes} bytes (${maxBytes / 1024 / 1024} MiB; a scenario declares repeated hosts and VMs with count)`,
  });
}
