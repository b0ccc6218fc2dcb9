import { describe, expect, it } from 'vitest';
import { migrationOf, runSmall } from './testing';

/**
 * A latency fault on a host (libs/scenario README: "host: that host's whole
 * NIC") adds to the host's access link, so every path through it pays it:
 * on the minimal scenario, whose migration's only path is src-1 -> dst-1,
 * it does exactly what the same latency on that path does.
 */
describe('latency fault on a host', () => {
  it('lengthens the switchover of a migration through the host as the same latency on its path does', () => {
    const base = migrationOf(runSmall(), 'm1').attempts[0]!;
    const onPath = migrationOf(runSmall({ faults: [{ kind: 'latency', from: 'src-1', to: 'dst-1', latency: '100ms', at: '0s' }] }), 'm1').attempts[0]!;
    const onHost = migrationOf(runSmall({ faults: [{ kind: 'latency', host: 'dst-1', latency: '100ms', at: '0s' }] }), 'm1').attempts[0]!;
    expect(onHost.outcome).toBe('completed');
    expect(onHost.info.downtime! - base.info.downtime!).toBeGreaterThanOrEqual(200);
    expect(onHost.info).toEqual(onPath.info);
  });

  it('leaves the migration alone once its duration is over, and a host off the path changes nothing', () => {
    const base = migrationOf(runSmall(), 'm1').attempts[0]!;
    const elsewhere = runSmall({
      hosts: [
        { name: 'src-1', link: '10Gbps', memory: '64GiB' },
        { name: 'dst-1', link: '10Gbps', memory: '64GiB' },
        { name: 'other', link: '10Gbps', memory: '64GiB' },
      ],
      faults: [{ kind: 'latency', host: 'other', latency: '1s', at: '0s' }],
    });
    const past = runSmall({ faults: [{ kind: 'latency', host: 'dst-1', latency: '1s', at: '0s', duration: '1s' }] });
    expect(migrationOf(elsewhere, 'm1').attempts[0]!.info).toEqual(base.info);
    expect(migrationOf(past, 'm1').attempts[0]!.info).toEqual(base.info);
  });
});
