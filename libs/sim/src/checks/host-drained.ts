import type { HostDrainedCheck } from '@migsim/scenario';
import type { CheckResult } from '@migsim/report';
import type { VariantRun } from '../engine/variant-run';

/** `host-drained`: no VM lives on the host any more by `by` (or the horizon). */
export function judgeHostDrained(check: HostDrainedCheck, run: VariantRun): Omit<CheckResult, 'name' | 'kind'> {
  const left = check.byNs === null ? run.plans.vmsOn(check.host) : (run.snapshots.get(check.name) ?? run.plans.vmsOn(check.host));
  const when = check.byNs === null ? 'at the horizon' : `at ${check.byNs / 1e9} s`;
  if (left.length === 0) return { passed: true, detail: `${check.host} holds no VM ${when}` };
  return { passed: false, detail: `${check.host} still holds ${left.length} VM(s) ${when}: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}` };
}
