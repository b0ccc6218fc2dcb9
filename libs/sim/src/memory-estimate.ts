import { vmsWithModels, type Scenario, type ScenarioSetup, type VmSpec } from '@migsim/scenario';

/**
 * Bytes of typed-array model state, per unit, at their largest (see the
 * libs/mmu and libs/migration data layouts; memory-estimate.spec.ts measures
 * them against `modelBytes()`):
 * - an MMU split to 4K and dirty-logged: per 2 MiB region its 8 region bytes,
 *   a 4K table (present, writable and D bitmaps of 16 words each, a present
 *   count) and 64 bytes of dirty bitmap; per 1 GiB region 2 bytes;
 * - the guest's first-write bookkeeping: a bit per write-set page and, once
 *   an eighth is left, a 4-byte index per page left;
 * - a running migration: the source's page versions (1 byte a page), its
 *   written and dirty bitmaps, the destination's versions (per 32 pages a
 *   byte, a chunk number and, when the pages differ, a 32-byte chunk) and
 *   its requested bitmap.
 */
export const MODEL_BYTES = Object.freeze({
  mmuPer2MRegion: 272,
  mmuPer1GRegion: 2,
  guestPerWriteSetPage: 1 / 8 + 4 / 8,
  migrationPerPage: 1 + 1 / 8 + 1 / 8 + (1 + 4 + 32) / 32 + 1 / 8,
});

const PAGE_BYTES = 4096;
const REGION_2M_BYTES = 2 * 1024 * 1024;
const REGION_1G_BYTES = 1024 * 1024 * 1024;

/** What one VM's models take at most. */
export interface VmModelEstimate {
  readonly vm: string;
  readonly memoryBytes: number;
  /** MMU (split and logged) and guest model. */
  readonly modelBytes: number;
  /** Page state of a migration of it (source and destination). */
  readonly migrationBytes: number;
}

export interface ModelMemoryEstimate {
  /** Bytes the largest variant's models need at once. */
  readonly bytes: number;
  /** One line for people: the variant, its VMs with models, the migrations running at once. */
  readonly detail: string;
  /** The variant the estimate is for (variants run one after another). */
  readonly variant: string;
  /** Its VMs with models, largest first. */
  readonly vms: readonly VmModelEstimate[];
}

/** One VM: its MMU at its largest (every region split to 4K and logged) and its guest's write bookkeeping. */
export function estimateVmModel(vm: VmSpec): VmModelEstimate {
  const mmu = Math.ceil(vm.memoryBytes / REGION_2M_BYTES) * MODEL_BYTES.mmuPer2MRegion + Math.ceil(vm.memoryBytes / REGION_1G_BYTES) * MODEL_BYTES.mmuPer1GRegion;
  const guest = (vm.workload.writeWorkingSetBytes / PAGE_BYTES) * MODEL_BYTES.guestPerWriteSetPage;
  return {
    vm: vm.name,
    memoryBytes: vm.memoryBytes,
    modelBytes: Math.ceil(mmu + guest),
    migrationBytes: Math.ceil((vm.memoryBytes / PAGE_BYTES) * MODEL_BYTES.migrationPerPage),
  };
}

/**
 * Estimates the model memory a run of `scenario` needs: for each variant
 * (they run one after another, so the largest one counts), the models of
 * every VM it may build (`vmsWithModels`: migrated, probed or on a planned
 * host), each at its largest, plus the page state of as many migrations as
 * may run at once (`parallelMigrationsPerCluster`), largest VMs first. A
 * VM nothing touches is only its spec and costs nothing here. Pure: the
 * caller compares it with what the machine can give.
 */
export function estimateModelBytes(scenario: Scenario): ModelMemoryEstimate {
  let largest: ModelMemoryEstimate | undefined;
  for (const variant of scenario.variants) {
    const estimate = estimateSetup(variant.name, variant);
    if (largest === undefined || estimate.bytes > largest.bytes) largest = estimate;
  }
  return largest ?? estimateSetup('default', scenario);
}

function estimateSetup(name: string, setup: ScenarioSetup): ModelMemoryEstimate {
  const vms = vmsWithModels(setup)
    .map(estimateVmModel)
    .sort((a, b) => b.memoryBytes - a.memoryBytes || (a.vm < b.vm ? -1 : 1));
  const migrating = new Set([...setup.migrations.map((m) => m.vm), ...migratingByPlan(setup)]);
  const atOnce = vms.filter((vm) => migrating.has(vm.vm)).slice(0, setup.policy.parallelMigrationsPerCluster);
  const modelBytes = vms.reduce((sum, vm) => sum + vm.modelBytes, 0);
  const migrationBytes = atOnce.reduce((sum, vm) => sum + vm.migrationBytes, 0);
  const shown = vms.slice(0, 3).map((vm) => `${vm.vm} ${formatBytes(vm.memoryBytes)}: ${formatBytes(vm.modelBytes)}`);
  const more = vms.length > shown.length ? `, ${vms.length - shown.length} more` : '';
  const detail =
    `variant ${name}: ${vms.length} VM${vms.length === 1 ? '' : 's'} with models ${formatBytes(modelBytes)} (${shown.join(', ')}${more})` +
    (atOnce.length === 0 ? '' : `, ${atOnce.length} migration${atOnce.length === 1 ? '' : 's'} at once ${formatBytes(migrationBytes)}`);
  return { bytes: modelBytes + migrationBytes, detail, variant: name, vms };
}

/** VMs a plan migrates: those placed on the hosts it drains or balances. */
function migratingByPlan(setup: ScenarioSetup): string[] {
  const hosts = new Set(setup.plans.flatMap((plan) => plan.hosts));
  return setup.vms.filter((vm) => hosts.has(vm.host)).map((vm) => vm.name);
}

/** Approximate, for people: `13.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
