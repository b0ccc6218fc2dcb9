import type { JsonValue } from '../messages/envelope';

/**
 * An append-only log per key, for durable execution (Temporal-style): a
 * process writes down every input it took in before acting on it, and a
 * replacement rebuilds the same state by replaying them. Entries are JSON;
 * `append` is atomic per call (all entries or none) and entries come back
 * from `read` in append order. Every key is under the deployment's hash tag.
 */
export interface Journal {
  append(key: string, entries: readonly JsonValue[]): Promise<void>;
  read(key: string): Promise<JsonValue[]>;
  remove(key: string): Promise<void>;
  close(): Promise<void>;
}

/** A journal in this process: for tests and single-process runs (nothing survives the process). */
export class InMemoryJournal implements Journal {
  private readonly logs = new Map<string, string[]>();

  async append(key: string, entries: readonly JsonValue[]): Promise<void> {
    const log = this.logs.get(key) ?? [];
    // Stored as text, as Redis would: a reader never shares objects with the writer.
    for (const entry of entries) log.push(JSON.stringify(entry));
    this.logs.set(key, log);
  }

  async read(key: string): Promise<JsonValue[]> {
    return (this.logs.get(key) ?? []).map((text) => JSON.parse(text) as JsonValue);
  }

  async remove(key: string): Promise<void> {
    this.logs.delete(key);
  }

  async close(): Promise<void> {}
}
