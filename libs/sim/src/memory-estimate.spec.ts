import { MigrationDestination, type MigrationAction } from '@migsim/migration';
import { migrationTestbed } from '@migsim/migration/testing';
import { describe, expect, it } from 'vitest';
import { estimateModelBytes, estimateVmModel, formatBytes, MODEL_BYTES } from './memory-estimate';
import { smallScenario } from './testing';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const TiB = 2 ** 40;

describe('estimateModelBytes against the models it estimates', () => {
  it('a migrating VM: the estimate covers the measured MMU (split and logged) and both sides of the page state, within 2 %', () => {
    const memoryBytes = 4 * GiB;
    const bed = migrationTestbed({ memoryBytes, kernel: { eagerSplit: true }, workload: { pattern: 'uniform', writeWorkingSetBytes: GiB, dirtyRateBytesPerSec: 0 } });
    const actions = bed.machine.handle({ type: 'start', atNs: 0, linkBytesPerSec: 125e6 });
    const prepare = actions.find((action): action is Extract<MigrationAction, { type: 'prepare-destination' }> => action.type === 'prepare-destination')!;
    const destination = new MigrationDestination(prepare);
    // Every 32-page group of the destination holds two versions: each gets a chunk, its versions at their largest.
    const pages = memoryBytes / 4096;
    const runs: number[] = [];
    for (let page = 0; page < pages; page += 16) runs.push(((page >>> 4) & 1) + 1, 16);
    destination.receive({ migrationId: prepare.migrationId, seq: 0, kind: 'pages', phase: 'round', syncCount: 1, ranges: [prepare.layout.slots[0]!.baseGfn, pages], versionRuns: runs, zeroPageCount: 0, normalPageCount: pages, wireBytes: pages * 4104 });
    // Half of every 2 MiB region written: no 4K table stays uniform, the MMU is at its largest.
    for (let region = 0; region < memoryBytes / (2 * MiB); region++) bed.mmu.accessRange(region * 512, 256, true, 0);
    const mmuBytes = bed.mmu.modelBytes();
    const pageStateBytes = bed.machine.modelBytes() + destination.modelBytes();

    const estimate = estimateVmModel({ ...smallScenario().vms[0]!, memoryBytes, workload: { ...smallScenario().vms[0]!.workload, writeWorkingSetBytes: GiB } });
    const guestBytes = (GiB / 4096) * MODEL_BYTES.guestPerWriteSetPage;
    const estimatedMmu = estimate.modelBytes - guestBytes;
    expect(estimatedMmu).toBeGreaterThanOrEqual(mmuBytes);
    expect(estimatedMmu).toBeLessThan(mmuBytes * 1.02);
    expect(estimate.migrationBytes).toBeGreaterThanOrEqual(pageStateBytes);
    expect(estimate.migrationBytes).toBeLessThan(pageStateBytes * 1.02);
  });

  it("the guest's first-write bookkeeping stays within its share, however its writes go", () => {
    const writeSet = 64 * MiB;
    const bed = migrationTestbed({ memoryBytes: 256 * MiB, workload: { pattern: 'uniform', writeWorkingSetBytes: writeSet, dirtyRateBytesPerSec: 10e9 } });
    let largest = 0;
    for (let step = 0; step < 100; step++) {
      bed.guest.step(1_000_000);
      largest = Math.max(largest, bed.guest.modelBytes());
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual((writeSet / 4096) * MODEL_BYTES.guestPerWriteSetPage);
  });
});

describe('estimateModelBytes of a scenario', () => {
  it('counts the VMs a run may build models for, and the migrations that may run at once', () => {
    const scenario = smallScenario({
      hosts: [
        { name: 'src-1', link: '10Gbps', memory: '1TiB' },
        { name: 'dst-1', link: '10Gbps', memory: '1TiB' },
      ],
      vms: [
        { name: 'big', count: 3, host: 'src-1', memory: '64GiB', workload: { dirtyRate: '10MB/s' } },
        { name: 'idle', host: 'dst-1', memory: '512GiB', workload: { dirtyRate: 0 } },
      ],
      migrations: [],
      plans: [{ drain: 'src-1', at: '1s' }],
      policy: { parallelMigrationsPerCluster: 2 },
    });
    const estimate = estimateModelBytes(scenario);
    const one = estimateVmModel(scenario.vms[0]!);
    expect(estimate.vms.map((vm) => vm.vm)).toEqual(['big-1', 'big-2', 'big-3']);
    expect(estimate.bytes).toBe(3 * one.modelBytes + 2 * one.migrationBytes);
    expect(estimate.detail).toMatch(/^variant default: 3 VMs with models .* \(big-1 64\.0 GiB: .*\), 2 migrations at once /);
  });

  it('a 100 TiB VM that migrates: about half a byte per page of MMU, 2.4 bytes of page state, 5/8 of a byte per write-set page: some 80 GiB', () => {
    const scenario = smallScenario({
      hosts: [
        { name: 'src-1', link: '10Gbps', memory: '128TiB' },
        { name: 'dst-1', link: '10Gbps', memory: '128TiB' },
      ],
      vms: [{ name: 'vm-1', host: 'src-1', memory: '100TiB', workload: { dirtyRate: '1GB/s' } }],
    });
    const estimate = estimateModelBytes(scenario);
    const pages = (100 * TiB) / 4096;
    expect(estimate.bytes).toBe(estimateVmModel(scenario.vms[0]!).modelBytes + Math.ceil(pages * MODEL_BYTES.migrationPerPage));
    expect(estimate.bytes / GiB).toBeGreaterThan(75);
    expect(estimate.bytes / GiB).toBeLessThan(85);
    expect(formatBytes(estimate.bytes)).toMatch(/^\d+\.\d GiB$/);
  });

  it('the largest variant counts: variants run one after another', () => {
    const scenario = smallScenario({ variants: [{ name: 'small' }, { name: 'large', vms: { 'vm-1': { memory: '32GiB' } } }] });
    const estimate = estimateModelBytes(scenario);
    expect(estimate.variant).toBe('large');
    expect(estimate.vms[0]!.memoryBytes).toBe(32 * GiB);
  });
});
