import { describe, expect, it } from 'vitest';
import { migrationOf, runSmall } from '../testing';

/**
 * A drain plan chooses each migration's destination at run time, so a fault
 * triggered by one of its migrations and written without a host (or path)
 * takes the destination (or path) the migration has when the fault fires.
 */
const drainToTwo = {
  hosts: [
    { name: 'src-1', link: '10Gbps', memory: '64GiB' },
    { name: 'dst-1', link: '10Gbps', memory: '32GiB' },
    { name: 'dst-2', link: '10Gbps', memory: '64GiB' },
  ],
  migrations: [],
  plans: [{ drain: 'src-1', at: '5s', to: ['dst-1', 'dst-2'] }],
};

describe('faults on a plan migration without a host', () => {
  it('destination-crash in round 1 crashes the destination the plan picked (the host with the most free memory)', () => {
    const variant = runSmall({
      ...drainToTwo,
      faults: [{ kind: 'destination-crash', when: { migration: 'drain-src-1/vm-1', phase: 'round', round: 1, after: '1s' } }],
    });
    const migration = migrationOf(variant, 'drain-src-1/vm-1');
    expect(migration.destination).toBe('dst-2');
    expect(migration.outcome).toBe('failed');
    expect(migration.attempts[0]!.reason ?? '').toMatch(/crash/);
    expect(variant.vms[0]!.host).toBe('src-1');
  });

  it('link-down on the migration path stalls it until the progress timeout aborts it', () => {
    const variant = runSmall({
      ...drainToTwo,
      policy: { progressTimeout: '10s' },
      faults: [{ kind: 'link-down', when: { migration: 'drain-src-1/vm-1', phase: 'round', round: 1 } }],
    });
    const migration = migrationOf(variant, 'drain-src-1/vm-1');
    expect(migration.outcome).toBe('aborted');
    expect(variant.events.some((event) => event.kind === 'migration-aborting' && /stuck/.test(event.detail))).toBe(true);
  });
});
