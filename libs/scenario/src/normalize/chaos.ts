import { CHAOS_KIND_NAMES, CHAOS_KINDS, type AnyChaosKind } from '../document/chaos-schema';
import type { ChaosKindSpec, ChaosPhase, ChaosSpec, ChaosTargets, Distribution } from '../model/chaos';
import { describeFound, isMapping, type Path } from '../schema/issues';
import { formatDuration } from '../units/format-units';
import type { NormalizeContext } from './normalize-context';
import type { References } from './references';

type ChaosDocument = Record<string, unknown> & { swarm: boolean; from: number; until?: number };

/**
 * Cross-reference checks and resolved defaults of the `chaos:` section of
 * one setup (the base file or a variant): its hosts and migrations must
 * exist (drain-generated migration ids count), its window must fit the
 * horizon, and every range must be in order.
 */
export function normalizeChaos(document: ChaosDocument | undefined, horizonNs: number, refs: References, context: NormalizeContext): ChaosSpec | undefined {
  if (document === undefined) return undefined;
  const untilNs = document.until ?? horizonNs;
  if (untilNs > horizonNs) context.add(['chaos', 'until'], context.found(['chaos', 'until'], ''), `a time no later than the horizon (${formatDuration(horizonNs)})`);
  if (document.from >= untilNs) {
    context.add(['chaos', 'from'], context.found(['chaos', 'from'], ''), `a time before chaos.until (${formatDuration(untilNs)})`);
  }
  const kinds: ChaosKindSpec[] = [];
  for (const name of CHAOS_KIND_NAMES) {
    const entry = document[name];
    if (entry === undefined) continue;
    const definition = CHAOS_KINDS[name] as unknown as AnyChaosKind;
    const normalize = definition.normalize as (entry: unknown, context: ChaosKindContext) => ChaosKindSpec | undefined;
    const kind = normalize(entry, new ChaosKindContext(['chaos', name], refs, context));
    if (kind !== undefined) kinds.push(kind);
  }
  const migrations = [...refs.migrations.values()].map(({ id, vm, from, to }) => ({ id, vm, from, to }));
  return { swarm: document.swarm, fromNs: document.from, untilNs, kinds, hosts: [...refs.hosts.keys()], migrations };
}

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
