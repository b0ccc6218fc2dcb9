import type { TransportLogger } from './transport-logger';

/**
 * The transport's log lines as JSON on stderr, tagged with the service. A
 * message the service had to reject (dead-lettered: malformed, unknown
 * version, or failing every attempt) is an error for the service, whatever
 * level the transport gives it.
 */
export function serviceLogger(service: string): TransportLogger {
  const write = (level: string, message: string, fields: Readonly<Record<string, unknown>>) =>
    process.stderr.write(`${JSON.stringify({ level, service, message, ...fields })}\n`);
  return {
    warn: (message, fields) => write(message === 'message dead-lettered' ? 'error' : 'warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
