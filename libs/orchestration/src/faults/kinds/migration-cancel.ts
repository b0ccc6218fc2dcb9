import type { FaultKind } from '../fault-kind';
import { invalidFault, optionalString } from '../fault-kind';

/** An operator cancels a migration (QEMU `migrate_cancel`; KubeVirt: delete the VMIM). */
export const migrationCancel: FaultKind<{ migration: string }> = {
  kind: 'migration-cancel',
  description: 'cancel a migration, as an operator would',
  parse(spec) {
    const migration = optionalString(spec, 'migration');
    if (migration === undefined) throw invalidFault(spec, 'migration is required');
    return { migration };
  },
  apply({ migration }, spec, target) {
    target.cancelMigration(migration, `fault ${spec.id}: cancelled`);
  },
};
