import { CHECK_KINDS, type CheckKindDefinition } from '../document/check-kinds';
import { FAULT_KINDS, type FaultKindDefinition } from '../document/fault-kinds';
import type { ScenarioDocument } from '../document/scenario-schema';
import type { CheckSpec, FaultSpec, FaultTrigger } from '../model/scenario';
import { describeFound, type Path } from '../schema/issues';
import type { Fields, ObjectValue } from '../schema/object-schema';
import { FaultContext } from './fault-context';
import { checkWithinHorizon } from './migrations';
import { formatDuration } from '../units/format-units';
import type { NormalizeContext } from './normalize-context';
import type { KnownMigration, References } from './references';

type FaultEntry = ScenarioDocument['faults'][number];
type CheckEntry = ScenarioDocument['checks'][number];

/** `firstIndex`: the index in `faults` of the first entry (faults drawn by a chaos section follow the file's). */
export function normalizeFaults(entries: readonly FaultEntry[], horizonNs: number, refs: References, context: NormalizeContext, firstIndex = 0): FaultSpec[] {
  const faults: FaultSpec[] = [];
  entries.forEach((entry, position) => {
    const index = firstIndex + position;
    const path: Path = ['faults', index];
    const kind = entry['kind'] as FaultSpec['kind'];
    const triggered = resolveTrigger(entry, path, horizonNs, refs, context);
    if (triggered === undefined) return;
    const description = typeof entry['description'] === 'string' ? entry['description'] : '';
    const faultContext = new FaultContext(path, index, description, triggered.trigger, triggered.migration, refs, context);
    const definition = FAULT_KINDS[kind] as unknown as FaultKindDefinition<Fields>;
    const fault = definition.normalize(entry as ObjectValue<Fields>, faultContext);
    if (fault !== undefined) faults.push(fault);
  });
  return faults;
}

type WhenDocument = { migration: string; phase: 'setup' | 'round' | 'stop-and-copy' | 'postcopy'; round?: number; after: number };

function resolveTrigger(
  entry: FaultEntry,
  path: Path,
  horizonNs: number,
  refs: References,
  context: NormalizeContext,
): { trigger: FaultTrigger; migration: KnownMigration | undefined } | undefined {
  const at = entry['at'];
  if (typeof at === 'number') {
    checkWithinHorizon(at, horizonNs, [...path, 'at'], context);
    return { trigger: { type: 'at', atNs: at }, migration: undefined };
  }
  const when = entry['when'] as WhenDocument;
  const whenPath: Path = [...path, 'when'];
  const migration = refs.migration(when.migration, [...whenPath, 'migration']);
  if (when.round !== undefined && when.phase !== 'round') {
    context.add([...whenPath, 'round'], describeFound(when.round), `no round with phase ${when.phase} (round goes with phase round)`);
    return undefined;
  }
  if (migration === undefined) return undefined;
  if (when.phase === 'postcopy' && !migration.params.postcopyRam) {
    context.add(
      [...whenPath, 'phase'],
      describeFound(when.phase),
      `a phase migration ${migration.id} goes through (post-copy is off for it: set params.postcopy-ram: true or policy.allowPostCopy: true)`,
    );
    return undefined;
  }
  const round = when.phase === 'round' ? (when.round ?? 1) : null;
  return { trigger: { type: 'phase', migration: migration.id, phase: when.phase, round, afterNs: when.after }, migration };
}

export function normalizeChecks(entries: readonly CheckEntry[], horizonNs: number, refs: References, context: NormalizeContext): CheckSpec[] {
  const checks: CheckSpec[] = [];
  entries.forEach((entry, index) => {
    const path: Path = ['checks', index];
    const kind = entry['kind'] as CheckSpec['kind'];
    const variants = Array.isArray(entry['variants']) ? (entry['variants'] as string[]) : null;
    let valid = true;
    variants?.forEach((name, variantIndex) => {
      if (!refs.variant(name, [...path, 'variants', variantIndex])) valid = false;
    });
    const by = entry['by'];
    if (typeof by === 'number' && by > horizonNs) {
      context.add([...path, 'by'], context.found([...path, 'by'], ''), `a time no later than the horizon (${formatDuration(horizonNs)})`);
      valid = false;
    }
    const name = typeof entry['name'] === 'string' ? entry['name'] : undefined;
    const definition = CHECK_KINDS[kind] as unknown as CheckKindDefinition<Fields>;
    const check = definition.normalize(entry as ObjectValue<Fields>, { path, refs, name, variants });
    if (valid && check !== undefined) checks.push(check);
  });
  return checks;
}
