import { connect } from 'node:net';

export type PingOutcome = 'pong' | 'loading' | 'refused' | 'unexpected';

/**
 * One RESP `PING` over a raw socket: no client library, so it works before
 * BullMQ or ioredis are involved and tells "not listening yet" (`refused`)
 * from "listening but still loading the AOF" (`loading`).
 */
export function pingRedis(host: string, port: number, timeoutMs: number): Promise<PingOutcome> {
  return new Promise((resolvePing) => {
    const socket = connect({ host, port });
    let reply = '';
    let settled = false;
    const settle = (outcome: PingOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolvePing(outcome);
    };
    const timer = setTimeout(() => settle('refused'), timeoutMs);
    socket.once('error', () => settle('refused'));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (!reply.includes('\r\n')) return;
      if (reply.startsWith('+PONG')) settle('pong');
      else if (reply.startsWith('-LOADING')) settle('loading');
      else settle('unexpected');
    });
    socket.once('close', () => settle('refused'));
  });
}

/** Polls PING until Redis answers PONG, `isAlive()` turns false, or the deadline passes. */
export async function waitForPong(
  host: string,
  port: number,
  options: { timeoutMs: number; pollMs?: number; isAlive?: () => boolean },
): Promise<PingOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let last: PingOutcome = 'refused';
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive()) return last;
    last = await pingRedis(host, port, Math.min(1_000, Math.max(50, deadline - Date.now())));
    if (last === 'pong') return last;
    await new Promise((wake) => setTimeout(wake, options.pollMs ?? 20));
  }
  return last;
}
