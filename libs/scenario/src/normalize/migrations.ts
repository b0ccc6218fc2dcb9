import { DEFAULT_MIGRATION_PARAMETERS } from '@migsim/migration';
import type { ScenarioDocument } from '../document/scenario-schema';
import type { MigrationParams, MigrationSpec, PolicySpec } from '../model/scenario';
import { describeFound, type Path } from '../schema/issues';
import { formatDuration, formatSize } from '../units/format-units';
import type { NormalizeContext } from './normalize-context';
import type { References } from './references';

type ParamsDocument = ScenarioDocument['migrations'][number]['params'];
type MigrationEntry = ScenarioDocument['migrations'][number];

const QEMU_DEFAULT_MAX_BANDWIDTH_BYTES_PER_SEC = DEFAULT_MIGRATION_PARAMETERS['max-bandwidth'];

/**
 * QEMU parameters, resolved: what the migration says, else what the policy
 * says (KubeVirt writes bandwidthPerMigration, allowAutoConverge and
 * allowPostCopy into each migration's parameters), else QEMU's default.
 */
export function resolveMigrationParams(written: ParamsDocument, policy: PolicySpec, path: Path, context: NormalizeContext): MigrationParams {
  const qemu = written.algorithm === 'qemu-precopy';
  const bandwidth = written['max-bandwidth'] ?? policy.bandwidthPerMigrationBytesPerSec ?? QEMU_DEFAULT_MAX_BANDWIDTH_BYTES_PER_SEC;
  const params: MigrationParams = {
    downtimeLimitNs: written['downtime-limit'],
    maxBandwidthBytesPerSec: bandwidth === 0 ? null : bandwidth,
    cpuThrottleInitialPct: written['cpu-throttle-initial'],
    cpuThrottleIncrementPct: written['cpu-throttle-increment'],
    maxCpuThrottlePct: written['max-cpu-throttle'],
    autoConverge: written['auto-converge'] ?? (qemu && policy.allowAutoConverge),
    postcopyRam: written['postcopy-ram'] ?? (qemu && policy.allowPostCopy),
    postcopyAfter: resolvePostcopyAfter(written['postcopy-after']),
    postcopyRecovery: written['postcopy-recovery'],
    algorithm: written.algorithm,
  };
  const at = (key: string): Path => [...path, key];
  if (params.cpuThrottleInitialPct > params.maxCpuThrottlePct) {
    context.add(at('cpu-throttle-initial'), context.found(at('cpu-throttle-initial'), String(params.cpuThrottleInitialPct)), `at most max-cpu-throttle (${params.maxCpuThrottlePct})`);
  }
  for (const key of ['auto-converge', 'postcopy-ram'] as const) {
    if (!qemu && written[key] === true) context.add(at(key), 'true', `false with algorithm ${written.algorithm} (${key} is a QEMU capability)`);
  }
  if (!params.postcopyRam) {
    const why = written['postcopy-ram'] === false ? 'postcopy-ram is false' : 'post-copy is off: set postcopy-ram: true or policy.allowPostCopy: true';
    if (written['postcopy-after'] !== undefined) context.add(at('postcopy-after'), context.found(at('postcopy-after'), ''), `no postcopy-after (${why})`);
    if (written['postcopy-recovery']) context.add(at('postcopy-recovery'), 'true', `false (${why})`);
  }
  return params;
}

function resolvePostcopyAfter(written: ParamsDocument['postcopy-after']): MigrationParams['postcopyAfter'] {
  if (written === undefined) return null;
  if (typeof written === 'number') return { type: 'elapsed', afterNs: written };
  return { type: 'round', round: written.round };
}

export function normalizeMigrations(
  entries: readonly MigrationEntry[],
  policy: PolicySpec,
  horizonNs: number,
  refs: References,
  context: NormalizeContext,
): MigrationSpec[] {
  const migrations: MigrationSpec[] = [];
  /** Where each VM is expected to be, following its migrations in time order. */
  const location = new Map<string, { host: string; previousFrom: string | null }>();
  const sourceOf = new Map<number, string>();
  // Entries with a count are several migrations; each keeps its entry's index for messages.
  const expanded = expandMigrationEntries(entries, context);
  const ordered = expanded.map((item, order) => ({ ...item, order })).sort((a, b) => a.entry.at - b.entry.at || a.order - b.order);
  const resolved = new Map<number, MigrationSpec>();
  entries.forEach((entry, index) => {
    checkWithinHorizon(entry.at, horizonNs, ['migrations', index, 'at'], context);
    const last = entry.at + ((entry.count ?? 1) - 1) * (entry.every ?? 0);
    if (last >= horizonNs && entry.at < horizonNs) checkLastWithinHorizon(last, entry.count ?? 1, 'migrations', horizonNs, ['migrations', index], context);
  });
  for (const { entry, index, order } of ordered) {
    const path: Path = ['migrations', index];
    const params = resolveMigrationParams(entry.params, policy, [...path, 'params'], context);
    const vm = refs.vm(entry.vm, [...path, 'vm']);
    const destination = refs.host(entry.to, [...path, 'to']);
    if (vm !== undefined && destination !== undefined) {
      const where = location.get(vm.name);
      if (where === undefined && vm.host === destination.name) {
        context.add([...path, 'to'], describeFound(entry.to), `a host other than ${vm.host}, where ${vm.name} already runs`);
      }
      if (vm.memoryBytes > destination.memoryBytes) {
        context.add([...path, 'to'], describeFound(entry.to), `a host with room for ${vm.name} (${formatSize(vm.memoryBytes)}); ${destination.name} has ${formatSize(destination.memoryBytes)}`);
      }
      // A second migration to the same destination is a retry: it starts where the first did.
      const from = where === undefined ? vm.host : where.host === destination.name ? (where.previousFrom ?? vm.host) : where.host;
      sourceOf.set(order, from);
      location.set(vm.name, { host: destination.name, previousFrom: from });
    }
    resolved.set(order, { id: entry.id, vm: entry.vm, to: entry.to, atNs: entry.at, params });
  }
  const owners = new Map<string, number>();
  expanded.forEach(({ entry, index }, order) => {
    const owner = owners.get(entry.id);
    if (owner !== undefined) context.add(['migrations', index, 'id'], describeFound(entry.id), `an id no other migration uses (migrations[${owner}] has it)`);
    else owners.set(entry.id, index);
    const migration = resolved.get(order);
    if (migration === undefined) return;
    migrations.push(migration);
    const from = sourceOf.get(order);
    if (owner === undefined && from !== undefined) refs.migrations.set(entry.id, { id: entry.id, vm: entry.vm, from, to: entry.to, params: migration.params });
  });
  return migrations;
}

/** `count` migrations per entry, {i} = 1..count in id, vm and to, requested `every` apart; without count, as written. */
function expandMigrationEntries(entries: readonly MigrationEntry[], context: NormalizeContext): { entry: MigrationEntry; index: number }[] {
  const expanded: { entry: MigrationEntry; index: number }[] = [];
  entries.forEach((entry, index) => {
    const path: Path = ['migrations', index];
    if (entry.count === undefined) {
      for (const key of ['id', 'vm', 'to'] as const) {
        if (entry[key].includes('{i}')) context.add([...path, key], describeFound(entry[key]), 'a name without {i} (add count to declare several migrations)');
      }
      if (entry.every !== undefined) context.add([...path, 'every'], context.found([...path, 'every'], ''), 'no every without count (it spaces the migrations of a count)');
      expanded.push({ entry, index });
      return;
    }
    if (!entry.id.includes('{i}')) context.add([...path, 'id'], describeFound(entry.id), 'an id template with {i} (each migration of a count needs its own id)');
    for (let k = 1; k <= entry.count; k += 1) {
      const fill = (text: string) => text.replaceAll('{i}', String(k));
      expanded.push({ entry: { ...entry, id: fill(entry.id), vm: fill(entry.vm), to: fill(entry.to), at: entry.at + (k - 1) * (entry.every ?? 0) }, index });
    }
  });
  return expanded;
}

/** Things scheduled after the horizon would silently never happen. */
export function checkWithinHorizon(atNs: number, horizonNs: number, path: Path, context: NormalizeContext): void {
  if (atNs < horizonNs) return;
  context.add(path, context.found(path, formatDuration(atNs)), `a time before the horizon (${formatDuration(horizonNs)})`);
}

/** The last of a count spaced `every` apart must still start before the horizon (the message names it). */
export function checkLastWithinHorizon(lastAtNs: number, count: number, what: string, horizonNs: number, path: Path, context: NormalizeContext): void {
  if (lastAtNs < horizonNs) return;
  const at: Path = [...path, 'every'];
  context.add(at, `${context.found(at, '0s')} (the last of ${count} ${what} at ${formatDuration(lastAtNs)})`, `a spacing that starts every one before the horizon (${formatDuration(horizonNs)})`);
}
