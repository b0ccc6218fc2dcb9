import type { RecoversCheck } from '@migsim/scenario';
import type { VariantRun } from '../engine/variant-run';
import type { CheckResult } from '@migsim/report';

/**
 * `recovers`: after dirty logging was switched off (failed or cancelled
 * migration, dirty-bitmap probe), the VM's throughput reaches `to` of its
 * baseline within `within` and stays there. Every recovery of the VM must.
 */
export function judgeRecovers(check: RecoversCheck, run: VariantRun): Omit<CheckResult, 'name' | 'kind'> {
  const vm = run.vms.get(check.vm);
  const runs = vm?.recoveryRuns ?? [];
  const pct = `${Math.round(check.toFraction * 1000) / 10} %`;
  if (runs.length === 0) return { passed: false, detail: `VM ${check.vm}: dirty logging was never switched off after a failure or probe: no recovery to measure` };
  for (const recovery of runs) {
    const timeNs = recovery.timeToNs(check.toFraction);
    if (timeNs === null) {
      return {
        passed: false,
        detail: `VM ${check.vm} (${recovery.strategy}, after ${recovery.cause}) never reached ${pct} of baseline within ${(recovery.measuredUntilNs - recovery.startNs) / 1e9} s`,
      };
    }
    if (timeNs > check.withinNs) {
      return { passed: false, detail: `VM ${check.vm} (${recovery.strategy}) reached ${pct} after ${timeNs / 1e9} s, budget ${check.withinNs / 1e9} s` };
    }
  }
  const times = runs.map((recovery) => `${recovery.timeToNs(check.toFraction)! / 1e9} s`).join(', ');
  return { passed: true, detail: `VM ${check.vm} reached ${pct} of baseline after ${times} (budget ${check.withinNs / 1e9} s)` };
}
