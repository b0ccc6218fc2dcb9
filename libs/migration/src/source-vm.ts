import type { VmMmu } from '@migsim/mmu';
import type { MigrationParameters } from './params';

/**
 * What a migration needs of the VM on the source: its MMU (dirty logging and
 * recovery go through libs/mmu) and a stream of the guest's writes (to keep
 * page versions). A `GuestVm` from libs/guest satisfies it.
 */
export interface SourceVm {
  readonly mmu: VmMmu;
  onWrite(listener: (gfnStart: number, count: number) => void): () => void;
}

/** What every source-side migration machine is built from. */
export interface SourceMachineOptions {
  id: string;
  vm: SourceVm;
  params: MigrationParameters;
}
