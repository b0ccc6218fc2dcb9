import type { VmSampling } from '@migsim/scenario';

const LISTED = new WeakMap<object, ReadonlySet<string>>();

/**
 * Whether a host takes timeline points for `vm` (`sampling.vms`): `none`
 * takes none, a list only its VMs; `all` and `interesting` take every VM's
 * (the report keeps the interesting ones, known only at the end).
 */
export function keepsTimeline(sampling: VmSampling, vm: string): boolean {
  if (sampling === 'none') return false;
  if (typeof sampling === 'string') return true;
  let names = LISTED.get(sampling);
  if (names === undefined) LISTED.set(sampling, (names = new Set(sampling.names)));
  return names.has(vm);
}
