import type { ChaosPhase, ChaosTargets, Distribution } from '../model/chaos';
import { describeFound, isMapping, type Path } from '../schema/issues';
import type { NormalizeContext } from './normalize-context';
import type { References } from './references';

type Range = number | { min?: number; max?: number; mean?: number };

/** What a chaos kind's `normalize` gets: its place in the file and the setup's names. */
export class ChaosKindContext {
  private valid = true;

  constructor(
    readonly path: Path,
    private readonly refs: References,
    private readonly context: NormalizeContext,
  ) {}

  /**
   * The kind's targets, resolved: the hosts of per-host-hour faults, the
   * migrations of per-round faults. A kind must say how often it strikes:
   * `perHostHour` or `perRound` (only `perRound` for a kind with no
   * per-host-hour faults).
   */
  targets(
    entry: { perHostHour?: number; hosts?: string[]; perRound?: number; migrations?: string[]; phases: readonly string[]; rounds: number; after: unknown },
    options: { perHostHour: boolean } = { perHostHour: true },
  ): ChaosTargets | undefined {
    if (entry.perHostHour === undefined && entry.perRound === undefined) {
      const expected = options.perHostHour ? 'perHostHour or perRound (or both)' : 'perRound';
      this.add([], options.perHostHour ? 'neither perHostHour nor perRound' : 'no perRound', `${expected}: how often the fault strikes`);
    }
    const hosts = entry.hosts ?? [...this.refs.hosts.keys()];
    entry.hosts?.forEach((host, index) => {
      if (this.refs.host(host, [...this.path, 'hosts', index]) === undefined) this.valid = false;
    });
    const migrations = entry.migrations ?? [...this.refs.migrations.keys()];
    entry.migrations?.forEach((migration, index) => {
      if (this.refs.migration(migration, [...this.path, 'migrations', index]) === undefined) this.valid = false;
    });
    const afterNs = this.distribution('after', entry.after);
    if (!this.valid || afterNs === undefined) return undefined;
    return {
      perHostHour: entry.perHostHour ?? 0,
      perRound: entry.perRound ?? 0,
      hosts,
      migrations,
      phases: [...new Set(entry.phases as ChaosPhase[])],
      rounds: entry.rounds,
      afterNs,
    };
  }

  /** A duration written as one value, `{ min, max }` (uniform) or `{ mean, max? }` (exponential). */
  distribution(key: string, value: unknown): Distribution | undefined {
    return this.range(key, value as Range, true);
  }

  /** A rate or `{ min, max }` (uniform). */
  rateRange(key: string, value: unknown): Distribution | undefined {
    return this.range(key, value as Range, false);
  }

  /** A count or `{ min, max }` (uniform over the whole numbers between). */
  countRange(key: string, value: unknown): Distribution | undefined {
    return this.range(key, value as Range, false);
  }

  private range(key: string, value: Range, allowMean: boolean): Distribution | undefined {
    if (typeof value === 'number') return { type: 'fixed', value };
    if (!isMapping(value)) return undefined;
    const path = [...this.path, key];
    if (value.mean !== undefined && allowMean) {
      if (value.max !== undefined && value.max < value.mean) {
        this.add([key, 'max'], this.context.found([...path, 'max'], describeFound(value.max)), 'a cap no smaller than mean');
        return undefined;
      }
      return { type: 'exponential', mean: value.mean, max: value.max ?? null };
    }
    if (value.min === undefined || value.max === undefined) {
      this.add([key, value.min === undefined ? 'min' : 'max'], 'nothing', 'min and max together (uniform between them)');
      return undefined;
    }
    if (value.max < value.min) {
      this.add([key, 'max'], this.context.found([...path, 'max'], describeFound(value.max)), `at least min (${this.context.found([...path, 'min'], '')})`);
      return undefined;
    }
    return { type: 'uniform', min: value.min, max: value.max };
  }

  private add(keys: Path, found: string, expected: string): void {
    this.valid = false;
    this.context.add([...this.path, ...keys], found, expected);
  }
}
