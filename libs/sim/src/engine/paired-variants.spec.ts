import { describe, expect, it } from 'vitest';
import { simulate } from '../simulate';
import { migrationOf, smallScenario, variantOf } from '../testing';

/**
 * Variants of one seed are paired: a VM's random draws (which pages a
 * uniform writer dirties, which THPs the host split) depend on the seed and
 * the VM's name, never on the variant's name, so two variants that differ
 * only in name run the same workload, and any difference between variants is
 * the variants' own.
 */
describe('paired variants', () => {
  const splitThp = {
    vms: [
      {
        name: 'vm-1',
        host: 'src-1',
        memory: '4GiB',
        vcpus: 2,
        backing: 'thp',
        thpSplitFraction: '30%',
        workload: { pattern: 'uniform', writeWorkingSet: '1GiB', dirtyRate: '40MB/s' },
      },
    ],
  };

  it('two variants that differ only in name report the same migration and the same VM, draw for draw', () => {
    const report = simulate(smallScenario({ ...splitThp, variants: [{ name: 'left' }, { name: 'right-hand-side' }] }), { seed: 11 });
    const [left, right] = [variantOf(report, 'left'), variantOf(report, 'right-hand-side')];
    expect(migrationOf(right, 'm1')).toEqual(migrationOf(left, 'm1'));
    expect(right.vms).toEqual(left.vms);
    expect(right.events).toEqual(left.events);
  });

  it('another seed draws another workload (the pairing is per seed, not a constant)', () => {
    const scenario = smallScenario({ ...splitThp, variants: [{ name: 'left' }] });
    const pages = (seed: number) => migrationOf(simulate(scenario, { seed }).variants[0]!, 'm1').attempts[0]!.info.ram.transferred;
    expect(pages(11)).not.toBe(pages(12));
  });
});
