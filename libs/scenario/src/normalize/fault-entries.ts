import { faultSchema } from '../document/fault-kinds';
import { ScenarioError, ScenarioErrorCode } from '../errors/scenario-error';
import type { FaultSpec, ScenarioVariant } from '../model/scenario';
import { formatPath, Issues } from '../schema/issues';
import { INVALID } from '../schema/schema';
import { normalizeFaults } from './faults-and-checks';
import { NormalizeContext } from './normalize-context';
import { registerDrainMigrations } from './plans-and-probes';
import { References } from './references';

/**
 * Normalises plain `faults:` entries (as a scenario file writes them) against
 * an already normalised variant: the faults a chaos section drew for a run,
 * or one an operator injects into a running run.
 * They go through the same validation and normalisation as the file's own
 * faults and are numbered after them, so a run of the drawn schedule and a
 * run of a file that lists the same entries after its own faults are the
 * same run.
 *
 * @throws ScenarioError listing every entry that does not fit the variant.
 */
export function faultsFromEntries(entries: readonly Record<string, unknown>[], variant: ScenarioVariant, horizonNs: number, fileName: string): FaultSpec[] {
  const firstIndex = variant.faults.length;
  const raw: Record<string, unknown> = { faults: [...new Array<unknown>(firstIndex).fill({}), ...entries] };
  const issues = new Issues();
  const parsed = entries.map((entry, position) => faultSchema.parse(entry, ['faults', firstIndex + position], issues));
  const context = new NormalizeContext(issues, raw);
  const refs = new References(context, []);
  for (const host of variant.hosts) refs.hosts.set(host.name, host);
  for (const vm of variant.vms) refs.vms.set(vm.name, vm);
  // Migrations a fault may name: the variant's own, its drains' (`<plan id>/<vm>`) and those its chaos section lists.
  for (const migration of variant.migrations) {
    const from = refs.vms.get(migration.vm)?.host;
    if (from !== undefined) refs.migrations.set(migration.id, { id: migration.id, vm: migration.vm, from, to: migration.to, params: migration.params });
  }
  for (const plan of variant.plans) if (plan.kind === 'drain') registerDrainMigrations(plan, refs);
  for (const migration of variant.chaos?.migrations ?? []) {
    const params = variant.migrations.find((candidate) => candidate.id === migration.id)?.params ?? variant.plans.find((plan) => migration.id.startsWith(`${plan.id}/`))?.params;
    if (params !== undefined) refs.migrations.set(migration.id, { ...migration, params });
  }
  if (issues.count === 0 && !parsed.includes(INVALID)) {
    const faults = normalizeFaults(parsed as Exclude<(typeof parsed)[number], typeof INVALID>[], horizonNs, refs, context, firstIndex);
    if (issues.count === 0) return faults;
  }
  throw new ScenarioError(
    ScenarioErrorCode.Invalid,
    fileName,
    issues.list.map((issue) => ({
      path: formatPath(issue.path),
      found: issue.found,
      expected: issue.expected,
      message: `found ${issue.found}, expected ${issue.expected}`,
    })),
  );
}
