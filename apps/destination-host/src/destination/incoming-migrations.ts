import { MigrationDestination, type DestinationOutput, type DestinationPrepare, type PageBatch, type SwitchoverCheck } from '@migsim/migration';

/**
 * The incoming side of every migration a destination host receives, keyed by
 * `<run>/<variant>/<migration>#<attempt>`: libs/migration's
 * MigrationDestination (page versions, duplicate batches ignored, newest
 * version wins, resume waits for what was sent before it). A dropped
 * migration, and one whose VM resumed here with verified memory, leaves a
 * tombstone so late messages of it are ignored; either frees its page versions. The page
 * stream is consumed with several handlers at once, so a batch can arrive
 * before the `prepare` that creates its migration: such early messages wait
 * (up to `maxEarlyMessages` per migration) and are applied once it exists.
 */
export class IncomingMigrations {
  private readonly incoming = new Map<string, MigrationDestination>();
  private readonly dropped = new Set<string>();
  /** Migrations whose VM resumed here with its memory verified: their page versions are freed, late messages ignored. */
  private readonly finished = new Set<string>();
  private readonly early = new Map<string, ((destination: MigrationDestination) => DestinationOutput[])[]>();

  constructor(private readonly maxEarlyMessages = 100_000) {}

  get size(): number {
    return this.incoming.size;
  }

  /** Creates the incoming side; returns what the early messages it replayed produced. */
  prepare(key: string, prepare: DestinationPrepare): DestinationOutput[] {
    if (this.incoming.has(key) || this.dropped.has(key) || this.finished.has(key)) return [];
    const destination = new MigrationDestination(prepare);
    this.incoming.set(key, destination);
    const waiting = this.early.get(key) ?? [];
    this.early.delete(key);
    return waiting.flatMap((apply) => apply(destination));
  }

  receive(key: string, batch: PageBatch): DestinationOutput[] {
    return this.apply(key, (destination) => destination.receive(batch));
  }

  resume(key: string, check: SwitchoverCheck): DestinationOutput[] {
    return this.apply(key, (destination) => destination.resume(check));
  }

  private apply(key: string, step: (destination: MigrationDestination) => DestinationOutput[]): DestinationOutput[] {
    const destination = this.incoming.get(key);
    if (destination !== undefined) {
      const outputs = step(destination);
      // Switched over with verified memory: the VM runs on (the model of) its new host, so this side's
      // page versions (4 bytes per guest page) are not needed any more; keep only the key.
      if (outputs.some((output) => (output.type === 'resumed' || output.type === 'completed') && output.verification.verified)) {
        this.incoming.delete(key);
        this.finished.add(key);
      }
      return outputs;
    }
    if (this.dropped.has(key) || this.finished.has(key)) return [];
    const waiting = this.early.get(key) ?? [];
    if (waiting.length >= this.maxEarlyMessages) throw new Error(`${key}: ${waiting.length} messages arrived without a prepare`);
    waiting.push(step);
    this.early.set(key, waiting);
    return [];
  }

  state(key: string): string | null {
    return this.incoming.get(key)?.state() ?? null;
  }

  /** Drops one incoming VM (the source discarded it) — its memory is freed. */
  drop(key: string): boolean {
    const destination = this.incoming.get(key);
    this.dropped.add(key);
    this.early.delete(key);
    if (destination === undefined) return false;
    destination.drop();
    this.incoming.delete(key);
    return true;
  }

  /** Drops every incoming VM whose key starts with `prefix` (a simulated crash of this host for one run variant). */
  dropWhere(prefix: string): string[] {
    const keys = [...this.incoming.keys()].filter((key) => key.startsWith(prefix));
    for (const key of keys) this.drop(key);
    return keys;
  }
}
