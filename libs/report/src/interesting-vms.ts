import { migrationTotals } from './migration-totals';
import type { VariantReport } from './report-model';

/** Why a VM is worth a chart: one of its migrations failed, it was among the slowest, or it lost the most work. */
export type InterestReason = 'failed' | 'slowest' | 'most degraded';

export interface InterestingVm {
  vm: string;
  reason: InterestReason;
  /** The migration that made it interesting. */
  migration: string;
}

/** How many VMs a study charts (and, with `sampling.vms: interesting`, keeps timelines of). */
export const INTERESTING_VM_COUNT = 12;

/**
 * The VMs a study's reader wants to see first, chosen by what happened to
 * them rather than by name: up to a third each of the VMs of failed
 * migrations (failed, aborted, cancelled, or unfinished at the horizon; the
 * most work lost first), of the slowest migrations (longest total time),
 * and of the most degraded (most guest work lost while migrating, plus what
 * a recovery lost); the remaining places go to the next of any kind. Each VM
 * once, ties by migration order. The same ranking picks which timelines a
 * report keeps (`sampling.vms: interesting`) and which VMs the HTML charts.
 */
export function interestingVms(variants: readonly VariantReport[], count = INTERESTING_VM_COUNT): InterestingVm[] {
  const failed: Candidate[] = [];
  const slow: Candidate[] = [];
  const degraded: Candidate[] = [];
  let order = 0;
  for (const variant of variants) {
    const recoveryLoss = new Map<string, number>();
    for (const vm of variant.vms) recoveryLoss.set(vm.name, vm.recoveries.reduce((sum, recovery) => sum + recovery.lostWorkVcpuSeconds, 0));
    for (const migration of variant.migrations) {
      const totals = migrationTotals(migration);
      const lost = migration.attempts.reduce((sum, attempt) => sum + (attempt.lostWorkVcpuSeconds ?? 0), 0) + (recoveryLoss.get(migration.vm) ?? 0);
      const base = { vm: migration.vm, migration: migration.id, order: order++ };
      if (migration.outcome !== 'completed') failed.push({ ...base, score: lost });
      else slow.push({ ...base, score: totals.totalTimeMs });
      degraded.push({ ...base, score: lost });
    }
  }
  const byScore = (a: Candidate, b: Candidate) => b.score - a.score || a.order - b.order;
  const lists: [InterestReason, Candidate[]][] = [
    ['failed', failed.sort(byScore)],
    ['slowest', slow.sort(byScore)],
    ['most degraded', degraded.sort(byScore)],
  ];
  const chosen: InterestingVm[] = [];
  const taken = new Set<string>();
  const take = (reason: InterestReason, list: Candidate[], limit: number) => {
    for (const candidate of list) {
      if (chosen.length >= count || limit <= 0) return;
      if (taken.has(candidate.vm)) continue;
      taken.add(candidate.vm);
      chosen.push({ vm: candidate.vm, reason, migration: candidate.migration });
      limit -= 1;
    }
  };
  const share = Math.ceil(count / lists.length);
  for (const [reason, list] of lists) take(reason, list, share);
  for (const [reason, list] of lists) take(reason, list, count);
  return chosen;
}

interface Candidate {
  vm: string;
  migration: string;
  order: number;
  score: number;
}
