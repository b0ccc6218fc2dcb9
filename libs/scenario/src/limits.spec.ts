import { migrationParameters, QEMU_PARAMETER_RANGES } from '@migsim/migration';
import { describe, expect, it } from 'vitest';
import { LINK_RATE_MAX, LINK_RATE_MIN } from './limits/limit-options';
import { SCENARIO_LIMITS } from './limits/scenario-limits';
import { toMigrationParameters } from './model/migration-parameters';
import { minimalScenarioDocument, problemLinesOf, problemLinesOfText, scenarioFrom } from './testing';
import { parseRate } from './units/rate';

const migrationWith = (params: Record<string, unknown>) => ({ migrations: [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s', params }] });
const hostsWith = (link: string) => ({
  hosts: [
    { name: 'src-1', link, memory: '64GiB' },
    { name: 'dst-1', link: '10Gbps', memory: '64GiB' },
  ],
});

describe('QEMU parameter ranges at load time', () => {
  it('downtime-limit: 0 to 2000 s, the range migrationParameters() enforces, named by its path beyond it', () => {
    expect(QEMU_PARAMETER_RANGES['downtime-limit']).toEqual({ min: 0, max: 2_000_000 });
    for (const written of [0, '2000s', 2_000_000]) {
      const scenario = scenarioFrom(migrationWith({ 'downtime-limit': written }));
      expect(() => migrationParameters(toMigrationParameters(scenario.migrations[0]!.params))).not.toThrow();
    }
    expect(problemLinesOf(migrationWith({ 'downtime-limit': '1h' }))).toEqual([
      `test.yaml: migrations[0].params.downtime-limit: found "1h", expected a duration of at most 2000s (QEMU's downtime-limit range is 0 to 2000 s)`,
    ]);
    expect(problemLinesOf(migrationWith({ 'downtime-limit': 2_000_001 }))).toHaveLength(1);
  });

  it("Nova's live_migration_downtime and a plan's params have the same bound", () => {
    expect(problemLinesOf({ policy: { live_migration_downtime: '1h' } })[0]).toMatch(/policy\.live_migration_downtime: found "1h", expected a duration of at most 2000s/);
    const plan = { plans: [{ drain: 'src-1', at: '1s', params: { 'downtime-limit': '2001s' } }] };
    expect(problemLinesOf(plan)[0]).toMatch(/plans\[0\]\.params\.downtime-limit: found "2001s", expected a duration of at most 2000s/);
  });
});

describe('max-bandwidth', () => {
  it('a migration\'s max-bandwidth and the policy\'s bandwidthPerMigration are whole bytes per second, at least 1B/s, or 0 for unlimited', () => {
    expect(problemLinesOf(migrationWith({ 'max-bandwidth': '1bps' }))).toEqual([
      'test.yaml: migrations[0].params.max-bandwidth: found "1bps", expected a rate of at least 1B/s (QEMU\'s max-bandwidth counts whole bytes per second; 0 means unlimited)',
    ]);
    expect(problemLinesOf({ policy: { bandwidthPerMigration: '1bps' } })[0]).toMatch(/policy\.bandwidthPerMigration: found "1bps", expected a rate of at least 1B\/s/);
    for (const written of [0, 1, '8bps']) {
      const scenario = scenarioFrom(migrationWith({ 'max-bandwidth': written }));
      expect(() => migrationParameters(toMigrationParameters(scenario.migrations[0]!.params))).not.toThrow();
    }
  });
});

describe('the slowest link', () => {
  it('1Mbps, as written in messages, is the limit', () => {
    expect(parseRate(LINK_RATE_MIN.written)).toEqual({ ok: true, value: SCENARIO_LIMITS.minLinkBytesPerSec });
  });

  it('a NIC or a bandwidth-drop below 1 Mbps is refused with the reason; link-down is the way to carry nothing', () => {
    expect(problemLinesOf(hostsWith('1bps'))).toEqual([
      'test.yaml: hosts[0].link: found "1bps", expected a rate of at least 1Mbps (below it the 4 MiB socket buffer QEMU writes into holds over 30 s of traffic; use link-down for a link that carries nothing)',
    ]);
    expect(problemLinesOf(hostsWith('1Mbps'))).toEqual([]);
    const drop = { faults: [{ kind: 'bandwidth-drop', host: 'dst-1', bandwidth: '999kbps', at: '1s' }] };
    expect(problemLinesOf(drop)[0]).toMatch(/faults\[0\]\.bandwidth: found "999kbps", expected a rate of at least 1Mbps/);
  });
});

describe('the fastest link', () => {
  it('10Tbps, as written in messages, is the limit', () => {
    expect(parseRate(LINK_RATE_MAX.written)).toEqual({ ok: true, value: SCENARIO_LIMITS.maxLinkBytesPerSec });
  });

  it('a NIC, a bandwidth-drop or a chaos drop above 10 Tbps is refused with the reason', () => {
    const why = 'a 4 KiB page must take a few nanoseconds on the wire: the migrations are stepped on a nanosecond clock';
    expect(problemLinesOf(hostsWith('125TB/s'))).toEqual([`test.yaml: hosts[0].link: found "125TB/s", expected a rate of at most 10Tbps (${why})`]);
    expect(problemLinesOf(hostsWith('10Tbps'))).toEqual([]);
    const drop = { faults: [{ kind: 'bandwidth-drop', host: 'dst-1', bandwidth: '100TB/s', at: '1s' }] };
    expect(problemLinesOf(drop)[0]).toMatch(/faults\[0\]\.bandwidth: found "100TB\/s", expected a rate of at most 10Tbps/);
    const chaos = { chaos: { 'bandwidth-drop': { perHostHour: 1, bandwidth: { min: '1Gbps', max: '20Tbps' }, duration: '10s' } } };
    expect(problemLinesOf(chaos).join('\n')).toMatch(/chaos\.bandwidth-drop\.bandwidth.*expected .*at most 10Tbps/);
  });
});

describe('zipf writes', () => {
  it('any dirty rate is accepted: a zipf step draws the pages it hits, not each write, so no write budget applies', () => {
    const zipfAt = (dirtyRate: string) => ({
      horizon: '300s',
      vms: [{ name: 'vm-1', host: 'src-1', memory: '8GiB', vcpus: 2, workload: { pattern: 'zipf', writeWorkingSet: '4GiB', dirtyRate } }],
    });
    expect(problemLinesOf(zipfAt('14GB/s'))).toEqual([]);
    expect(problemLinesOf(zipfAt('100TB/s'))).toEqual([]);
  });
});

describe('sizes and counts', () => {
  it('a text over 4 MiB is refused before it is parsed', () => {
    const text = `# ${'x'.repeat(SCENARIO_LIMITS.textChars)}\n`;
    const started = performance.now();
    expect(problemLinesOfText(text)).toEqual([
      `test.yaml: found a text of ${text.length.toLocaleString('en-US')} characters, expected at most 4,194,304 characters (4 MiB); declare repeated hosts and VMs with count`,
    ]);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('hosts and VMs are counted with their counts before any name is made, and both totals are reported', () => {
    const started = performance.now();
    const lines = problemLinesOf({
      hosts: Array.from({ length: 6 }, (_, i) => ({ name: `h${i}`, count: 100_000, link: '10Gbps' })),
      vms: Array.from({ length: 6 }, (_, i) => ({ name: `v${i}`, count: 100_000, host: 'h0-1', memory: '1GiB', workload: { dirtyRate: 0 } })),
    });
    expect(lines).toEqual([
      'test.yaml: hosts: found 600,000 hosts (counts included), expected at most 50,000 hosts',
      'test.yaml: vms: found 600,000 VMs (counts included), expected at most 500,000 VMs',
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('lists are refused by their length before their entries are read', () => {
    const faults = Array.from({ length: SCENARIO_LIMITS.faults + 1 }, () => ({ kind: 'link-down', host: 'dst-1', at: '1s' }));
    expect(problemLinesOf({ faults })).toEqual(['test.yaml: faults: found a list of 10,001 entries, expected a list of faults with at most 10,000 entries']);
  });

  it('variants multiply the setup: their hosts and VMs together stay within 1,000,000', () => {
    const document = {
      ...minimalScenarioDocument(),
      hosts: [{ name: 'h', count: 2, link: '10Gbps', memory: '128TiB' }],
      vms: [100_000, 100_000, 50_000].map((count, i) => ({ name: `vm${i}`, count, host: 'h-1', memory: '4KiB', workload: { dirtyRate: 0 } })),
      migrations: [],
      variants: Array.from({ length: 4 }, (_, i) => ({ name: `v${i}` })),
    };
    expect(problemLinesOf(document)).toEqual([
      'test.yaml: variants: found 4 variants of 250,002 hosts and VMs each (1,000,008 in all), expected at most 1,000,000 hosts and VMs over all variants (each variant is a complete setup of its own)',
    ]);
  });
});

describe('report size', () => {
  const drain = (sampling: Record<string, unknown>) => ({
    horizon: '300s',
    sampling,
    hosts: [
      { name: 'src-1', link: '10Gbps', memory: '256GiB' },
      { name: 'dst-1', link: '10Gbps', memory: '256GiB' },
    ],
    vms: [{ name: 'vm', count: 20, host: 'src-1', memory: '4GiB', workload: { dirtyRate: '10MB/s' } }],
    migrations: [],
    plans: [{ drain: 'src-1', at: '5s' }],
  });

  it('every timeline a run may draw counts: 20 drained VMs sampled every 1 ms for 300 s would not fit in a report', () => {
    expect(problemLinesOf(drain({ interval: '1ms', maxPoints: 1_000_000 }))).toEqual([
      'test.yaml: sampling: found 300,001 points per timeline x 20 timelines (VMs migrated, probed or planned that sampling.vms keeps, over 1 variant) = 6,000,020 points, expected at most 1,000,000 timeline points in a report: a maxPoints of at most 49,999, or a longer interval',
    ]);
    expect(problemLinesOf(drain({ interval: '1ms', maxPoints: 49_999 }))).toEqual([]);
  });

  it('only the timelines sampling.vms keeps count: none, the interesting ones (12), or the ones named', () => {
    expect(problemLinesOf(drain({ interval: '1ms', maxPoints: 1_000_000, vms: 'none' }))).toEqual([]);
    expect(problemLinesOf(drain({ interval: '1ms', maxPoints: 80_000, vms: 'interesting' }))).toEqual([]);
    expect(problemLinesOf(drain({ interval: '1ms', maxPoints: 80_000, vms: 'all' }))[0]).toMatch(/x 20 timelines/);
    expect(problemLinesOf(drain({ interval: '1ms', maxPoints: 1_000_000, vms: ['vm-1', 'vm-2'] }))).toEqual([]);
    expect(problemLinesOf(drain({ interval: '1ms', maxPoints: 1_000_000, vms: ['vm-1', 'vm-2', 'vm-3', 'vm-4'] }))[0]).toMatch(/300,001 points per timeline x 4 timelines/);
  });

  it('a VM nothing migrates, probes or plans to move draws no timeline, so it does not count', () => {
    const document = drain({ interval: '1ms', maxPoints: 1_000_000 });
    expect(problemLinesOf({ ...document, plans: [], migrations: [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s' }] })).toEqual([]);
  });
});
