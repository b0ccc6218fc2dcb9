import type { FaultTrigger, LinkTarget } from '../model/scenario';
import { describeFound, type Path } from '../schema/issues';
import type { KnownMigration, References } from './references';
import type { NormalizeContext } from './normalize-context';

/** What a fault kind's `normalize` gets: its place in the file, its resolved trigger and the references. */
export class FaultContext {
  constructor(
    readonly path: Path,
    readonly index: number,
    readonly description: string,
    readonly trigger: FaultTrigger,
    /** The migration named in `when`, if any: the default target of most kinds. */
    readonly triggerMigration: KnownMigration | undefined,
    readonly refs: References,
    private readonly context: NormalizeContext,
  ) {}

  /** The fields every fault has, ready to spread into a normalised fault. */
  get common(): { index: number; description: string; trigger: FaultTrigger } {
    return { index: this.index, description: this.description, trigger: this.trigger };
  }

  add(key: string, found: string, expected: string): void {
    this.context.add(key === '' ? this.path : [...this.path, key], found, expected);
  }

  /**
   * A written host name (checked), else the destination of the trigger's
   * migration: its `to`, or null when a plan chooses it at run time (the
   * fault then takes whichever destination the migration has when it fires).
   */
  hostOrDestination(written: string | undefined, key: string): string | null | undefined {
    if (written !== undefined) return this.refs.host(written, [...this.path, key]) === undefined ? undefined : written;
    if (this.triggerMigration !== undefined) return this.triggerMigration.to;
    this.add(key, 'nothing', 'a host (or a when.migration whose destination it is)');
    return undefined;
  }

  /**
   * The network path of a link fault: `host` (its whole NIC), `from` + `to`
   * (one path), or by default the path of the trigger's migration.
   */
  link(written: { host?: string; from?: string; to?: string }): LinkTarget | undefined {
    const { host, from, to } = written;
    if (host !== undefined && (from !== undefined || to !== undefined)) {
      this.add(from !== undefined ? 'from' : 'to', describeFound(from ?? to), 'no from/to next to host (host means the whole NIC of that host)');
      return undefined;
    }
    if (host !== undefined) return this.refs.host(host, [...this.path, 'host']) === undefined ? undefined : { type: 'host', host };
    if (from !== undefined || to !== undefined) {
      if (from === undefined || to === undefined) {
        this.add(from === undefined ? 'from' : 'to', 'nothing', `a host name: from and to go together (${from === undefined ? 'to' : 'from'} is given)`);
        return undefined;
      }
      const fromKnown = this.refs.host(from, [...this.path, 'from']) !== undefined;
      const toKnown = this.refs.host(to, [...this.path, 'to']) !== undefined;
      if (fromKnown && toKnown && from === to) {
        this.add('to', describeFound(to), `a host other than from (${from})`);
        return undefined;
      }
      return fromKnown && toKnown ? { type: 'path', from, to } : undefined;
    }
    const migration = this.triggerMigration;
    if (migration !== undefined && migration.to !== null) return { type: 'path', from: migration.from, to: migration.to };
    // A plan's migration: its destination is chosen at run time, so the path is the one it has when the fault fires.
    if (migration !== undefined) return { type: 'migration', migration: migration.id };
    this.add('', 'no host, from or to', 'a link: host, or from and to, or a when.migration whose path it is');
    return undefined;
  }

  /** A written migration id (checked), else the trigger's migration. */
  migrationOrTrigger(written: string | undefined): string | undefined {
    if (written !== undefined) return this.refs.migration(written, [...this.path, 'migration']) === undefined ? undefined : written;
    if (this.triggerMigration !== undefined) return this.triggerMigration.id;
    this.add('migration', 'nothing', 'a migration id (or a when.migration)');
    return undefined;
  }
}
