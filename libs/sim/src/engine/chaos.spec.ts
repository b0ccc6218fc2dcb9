import { renderJson } from '@migsim/report';
import { describe, expect, it } from 'vitest';
import { simulate } from '../simulate';
import { checkOf, migrationOf, runSmall, smallScenario } from '../testing';

/** Two 2 GiB VMs drained from src-1 onto two destinations, under chaos. */
const drain = {
  horizon: '10m',
  hosts: [
    { name: 'src-1', link: '1Gbps', memory: '64GiB' },
    { name: 'dst-1', link: '1Gbps', memory: '64GiB' },
    { name: 'dst-2', link: '1Gbps', memory: '64GiB' },
  ],
  vms: ['vm-1', 'vm-2'].map((name) => ({ name, host: 'src-1', memory: '2GiB', vcpus: 2, workload: { pattern: 'uniform', writeWorkingSet: '512MiB', dirtyRate: '20MB/s' } })),
  migrations: [],
  plans: [{ drain: 'src-1', at: '5s', to: ['dst-1', 'dst-2'] }],
  policy: { retries: { max: 2, backoff: '5s' } },
  checks: [{ kind: 'migrations-end' }, { kind: 'vms-recover', within: '1m' }],
  chaos: {
    'host-crash': { perRound: '20%', rounds: 3, downFor: { min: '5s', max: '20s' } },
    'link-flap': { perHostHour: 6, hosts: ['src-1'], flaps: { min: 1, max: 3 } },
    cancel: { perRound: '5%' },
  },
};

describe('a scenario with a chaos section', () => {
  it('runs the faults its seed drew, lists them in every variant of the report, the same for every variant', () => {
    const report = simulate(smallScenario({ ...drain, variants: [{ name: 'short', policy: { progressTimeout: '10s' } }, { name: 'long' }] }), { seed: 3 });
    const [short, long] = report.variants;
    expect(short!.drawnFaults!.length).toBeGreaterThan(0);
    expect(long!.drawnFaults).toEqual(short!.drawnFaults);
    const fired = short!.events.filter((event) => event.kind === 'fault' && /chaos/.test(event.detail));
    expect(fired.length).toBeGreaterThan(0);
    expect(renderJson(simulate(smallScenario({ ...drain, variants: [{ name: 'short', policy: { progressTimeout: '10s' } }, { name: 'long' }] }), { seed: 3 }))).toBe(renderJson(report));
  });

  it('another seed draws another schedule', () => {
    const first = simulate(smallScenario(drain), { seed: 3 }).variants[0]!.drawnFaults;
    const second = simulate(smallScenario(drain), { seed: 4 }).variants[0]!.drawnFaults;
    expect(second).not.toEqual(first);
  });

  it('the drawn faults written as plain faults, without the chaos section, replay the run exactly', () => {
    for (const seed of [1, 2, 3]) {
      const drawn = simulate(smallScenario(drain), { seed }).variants[0]!;
      const replay = simulate(smallScenario({ ...drain, chaos: undefined, faults: drawn.drawnFaults }), { seed }).variants[0]!;
      const { drawnFaults, ...rest } = drawn;
      expect(drawnFaults).toBeDefined();
      expect(replay).toEqual(rest);
    }
  });
});

describe('liveness checks', () => {
  const stuck = { policy: { progressTimeout: '0s', completionTimeoutPerGiB: '0s' }, faults: [{ kind: 'link-down', from: 'src-1', to: 'dst-1', at: '8s' }] };

  it('migrations-end fails for a migration still running at the horizon, and says which', () => {
    const variant = runSmall({ ...stuck, checks: [{ kind: 'migrations-end' }] });
    expect(migrationOf(variant, 'm1').outcome).toBe('unfinished');
    expect(checkOf(variant, 'migrations-end')).toMatchObject({ passed: false, firstViolationMs: 60_000 });
    expect(checkOf(variant, 'migrations-end').detail).toBe('1 of 1 migration(s) had not ended at the horizon: m1 (running, attempt 1)');
  });

  it('migrations-end passes once every migration ended, whatever its outcome', () => {
    const variant = runSmall({ faults: [{ kind: 'destination-crash', host: 'dst-1', at: '10s' }], checks: [{ kind: 'migrations-end' }] });
    expect(migrationOf(variant, 'm1').outcome).toBe('failed');
    expect(checkOf(variant, 'migrations-end')).toMatchObject({ passed: true, detail: 'all 1 migration(s) ended at the horizon' });
  });

  it('vms-recover fails when a failed migration leaves a VM below the level (no recovery), and passes with the in-place recovery', () => {
    const crash = { faults: [{ kind: 'destination-crash', host: 'dst-1', at: '10s' }], checks: [{ kind: 'vms-recover', within: '20s' }] };
    const hostsWith = (recovery: string) => [
      { name: 'src-1', link: '10Gbps', memory: '64GiB', kernel: { recovery } },
      { name: 'dst-1', link: '10Gbps', memory: '64GiB' },
    ];
    const none = runSmall({ ...crash, hosts: hostsWith('none') });
    const check = checkOf(none, 'vms-recover: to 95% within 20s');
    expect(check.passed).toBe(false);
    expect(check.detail).toMatch(/^VM vm-1 \(none, after m1\) was not back to 95 % of baseline/);
    const inPlace = runSmall({ ...crash, hosts: hostsWith('recover-in-place') });
    expect(checkOf(inPlace, 'vms-recover: to 95% within 20s')).toMatchObject({ passed: true });
  });
});
