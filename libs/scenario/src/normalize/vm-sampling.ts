import type { ScenarioDocument } from '../document/scenario-schema';
import type { ScenarioSetup, VmSampling } from '../model/scenario';
import type { Issues } from '../schema/issues';
import { resolveNameSet } from './name-sets';
import { NormalizeContext } from './normalize-context';

/** With more VMs than this, a file that does not say which VMs to sample keeps the interesting ones only. */
export const SAMPLE_ALL_VMS_UP_TO = 100;

/**
 * `sampling.vms`: which VMs keep a timeline in the report. Written names
 * and ranges are checked against the base file's VMs. Unwritten: every VM
 * of a small scenario, the interesting ones of a study (more than
 * `SAMPLE_ALL_VMS_UP_TO` VMs), so a report's size follows what is asked.
 */
export function normalizeVmSampling(document: ScenarioDocument, raw: unknown, base: ScenarioSetup, issues: Issues): VmSampling {
  const written = document.sampling.vms;
  if (written === undefined) return base.vms.length <= SAMPLE_ALL_VMS_UP_TO ? 'all' : 'interesting';
  if (written === 'all' || written === 'none' || written === 'interesting') return written;
  const known = new Map(base.vms.map((vm) => [vm.name, vm]));
  const names = resolveNameSet(written, ['sampling', 'vms'], known, 'VM', new NormalizeContext(issues, raw));
  return { names: names ?? [] };
}
