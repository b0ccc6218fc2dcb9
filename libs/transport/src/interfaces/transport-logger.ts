/**
 * Where the ports report what a user should see: dead letters (warn) and
 * infrastructure trouble such as a lost Redis connection (error). Structured
 * fields, so the services can forward them to their own logger unchanged.
 */
export interface TransportLogger {
  warn(message: string, fields: Readonly<Record<string, unknown>>): void;
  error(message: string, fields: Readonly<Record<string, unknown>>): void;
}

/** One JSON line per event on stderr. */
export const stderrLogger: TransportLogger = {
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};
