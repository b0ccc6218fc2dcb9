import { CloudsimMachine } from './cloudsim-machine';
import type { MigrationMachine } from './machine';
import { migrationParameters, type MigrationParameters, type MigrationParametersInput } from './params';
import { QemuMachine } from './qemu-machine';
import { SimgridMachine } from './simgrid-machine';
import type { SourceVm } from './source-vm';
import { XenMachine } from './xen-machine';

export interface CreateMigrationOptions {
  /** Unique per migration attempt; stamped on every batch. */
  id: string;
  /** The VM on the source (a libs/guest `GuestVm` fits). */
  vm: SourceVm;
  /** QEMU-named parameters plus `algorithm`; defaults filled and validated. */
  params?: MigrationParametersInput | MigrationParameters;
}

/** Creates the source-side machine of the chosen algorithm (nothing happens until `start`). */
export function createMigration(options: CreateMigrationOptions): MigrationMachine {
  const params = migrationParameters(options.params ?? {});
  const machineOptions = { id: options.id, vm: options.vm, params };
  switch (params.algorithm) {
    case 'qemu-precopy':
      return new QemuMachine(machineOptions);
    case 'xen':
      return new XenMachine(machineOptions);
    case 'simgrid':
      return new SimgridMachine(machineOptions);
    case 'cloudsim':
      return new CloudsimMachine(machineOptions);
  }
}
