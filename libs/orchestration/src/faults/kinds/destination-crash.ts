import type { FaultKind } from '../fault-kind';
import { invalidFault, optionalString, scheduleRevert } from '../fault-kind';

/**
 * The destination host of a migration (or a named host) crashes: every
 * migration into or out of it fails, its link goes down, the VMs it runs go
 * down. With a duration it comes back, empty, afterwards.
 */
export const destinationCrash: FaultKind<{ migration?: string; host?: string }> = {
  kind: 'destination-crash',
  description: 'crash the destination host of a migration (or a named host)',
  parse(spec) {
    const migration = optionalString(spec, 'migration');
    const host = optionalString(spec, 'host');
    if ((migration === undefined) === (host === undefined)) throw invalidFault(spec, 'give exactly one of migration or host');
    return { migration, host };
  },
  apply(params, spec, target) {
    const host = params.host ?? target.migrationEndpoints(params.migration!)?.destinationHost;
    if (host === undefined) return; // the migration never started: nothing to crash
    if (!target.hostExists(host)) throw invalidFault(spec, `no host named "${host}"`);
    target.crashHost(host, `fault ${spec.id}: destination crash`);
    scheduleRevert(spec, target, () => target.recoverHost(host));
  },
};
