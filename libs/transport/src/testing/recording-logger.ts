import type { TransportLogger } from '../interfaces/transport-logger';

export interface LogEntry {
  readonly level: 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A TransportLogger that keeps what it is told, for assertions. */
export class RecordingLogger implements TransportLogger {
  readonly entries: LogEntry[] = [];

  warn(message: string, fields: Readonly<Record<string, unknown>>): void {
    this.entries.push({ level: 'warn', message, fields });
  }

  error(message: string, fields: Readonly<Record<string, unknown>>): void {
    this.entries.push({ level: 'error', message, fields });
  }

  warnings(): LogEntry[] {
    return this.entries.filter((entry) => entry.level === 'warn');
  }
}
