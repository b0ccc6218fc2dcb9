import { describe, expect, it } from 'vitest';
import { loadScenario } from './load-scenario';
import { ScenarioError, ScenarioErrorCode } from './errors/scenario-error';
import { minimalScenarioDocument, problemLinesOf, problemLinesOfText } from './testing';

const VALID_YAML = `name: minimal
horizon: 60s
hosts:
  - { name: src-1, link: 10Gbps, memory: 64GiB }
  - { name: dst-1, link: 10Gbps, memory: 64GiB }
vms:
  - name: vm-1
    host: src-1
    memory: 4GiB
    workload: { writeWorkingSet: 1GiB, dirtyRate: 10MB/s }
migrations:
  - { id: m1, vm: vm-1, to: dst-1, at: 5s }
`;

function withVm(patch: Record<string, unknown>): Record<string, unknown> {
  const vm = (minimalScenarioDocument()['vms'] as Record<string, unknown>[])[0];
  return { vms: [{ ...vm, ...patch }] };
}

describe('scenario validation: the shape of the file', () => {
  it('a valid file loads with no problem', () => {
    expect(problemLinesOfText(VALID_YAML)).toEqual([]);
  });

  it('a value with a bad unit names the path, what was found and what was expected', () => {
    expect(problemLinesOf(withVm({ memory: '16 gigs' }), 'scenarios/x.yaml')).toEqual([
      'scenarios/x.yaml: vms[0].memory: found "16 gigs", expected a size such as 16GiB or 512MiB',
    ]);
  });

  it('an unknown key is an error, with a suggestion when it is close to a known one', () => {
    const hosts = [{ name: 'src-1', link: '1Gbps', kernal: { mmu: 'tdp' } }, { name: 'dst-1', link: '1Gbps' }];
    expect(problemLinesOf({ hosts })).toEqual([
      'test.yaml: hosts[0].kernal: found unknown key "kernal", expected one of name, count, link, latency, memory, vcpus, kernel, tlb (did you mean "kernel"?)',
    ]);
  });

  it('an unknown key far from every known key gets no suggestion', () => {
    expect(problemLinesOf({ colour: 'blue' })).toEqual([
      'test.yaml: colour: found unknown key "colour", expected one of name, description, seed, horizon, sampling, hosts, vms, migrations, plans, probes, policy, faults, checks, network, chaos, variants',
    ]);
  });

  it('a QEMU parameter written with underscores suggests its real name', () => {
    const migrations = [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s', params: { downtime_limit: '300ms' } }];
    expect(problemLinesOf({ migrations })).toEqual([
      'test.yaml: migrations[0].params.downtime_limit: found unknown key "downtime_limit", expected one of downtime-limit, max-bandwidth, cpu-throttle-initial, cpu-throttle-increment, max-cpu-throttle, auto-converge, postcopy-ram, postcopy-after, postcopy-recovery, algorithm (did you mean "downtime-limit"?)',
    ]);
  });

  it('a misspelt enum value lists the accepted ones and suggests the closest', () => {
    expect(problemLinesOf(withVm({ backing: 'hugetlb2m' }))).toEqual([
      'test.yaml: vms[0].backing: found "hugetlb2m", expected one of thp, hugetlb-2m, hugetlb-1g, 4k (did you mean "hugetlb-2m"?)',
    ]);
  });

  it('a missing required key is named', () => {
    const vm = { name: 'vm-1', host: 'src-1', workload: { dirtyRate: 0 } };
    expect(problemLinesOf({ vms: [vm], migrations: [] })).toEqual([
      'test.yaml: vms[0].memory: found nothing, expected a size such as 16GiB or 512MiB (the key is required)',
    ]);
  });

  it('a negative size is rejected', () => {
    expect(problemLinesOf(withVm({ memory: '-4GiB' }))).toEqual([
      'test.yaml: vms[0].memory: found "-4GiB", expected a size greater than zero such as 16GiB or 512MiB',
    ]);
  });

  it('a zero size is rejected where memory must exist', () => {
    expect(problemLinesOf(withVm({ memory: 0 }))).toEqual(['test.yaml: vms[0].memory: found 0, expected a size greater than zero such as 16GiB or 512MiB']);
  });

  it('YAML 1.1 booleans are not booleans: yes is a string', () => {
    const hosts = [{ name: 'src-1', link: '1Gbps', kernel: { pml: 'yes' } }, { name: 'dst-1', link: '1Gbps' }];
    expect(problemLinesOf({ hosts })).toEqual(['test.yaml: hosts[0].kernel.pml: found "yes", expected true or false']);
  });

  it('an empty value is not taken for an absent key', () => {
    expect(problemLinesOfText(VALID_YAML.replace('horizon: 60s', 'horizon:'))).toEqual([
      'test.yaml: horizon: found an empty value, expected a duration such as 300ms, 10s or 2m',
    ]);
  });

  it('a fault with both at and when is rejected', () => {
    const faults = [{ kind: 'destination-crash', host: 'dst-1', at: '5s', when: { migration: 'm1', phase: 'round', round: 3 } }];
    expect(problemLinesOf({ faults })).toEqual(['test.yaml: faults[0]: found both at and when, expected exactly one of at or when']);
  });

  it('a fault with neither at nor when is rejected', () => {
    expect(problemLinesOf({ faults: [{ kind: 'destination-crash', host: 'dst-1' }] })).toEqual([
      'test.yaml: faults[0]: found neither at nor when, expected exactly one of at or when',
    ]);
  });

  it('an unknown fault kind lists the kinds there are', () => {
    expect(problemLinesOf({ faults: [{ kind: 'destination-crsh', at: '5s' }] })).toEqual([
      'test.yaml: faults[0].kind: found "destination-crsh", expected one of destination-crash, link-down, bandwidth-drop, latency, migration-cancel (did you mean "destination-crash"?)',
    ]);
  });

  it("a key of another fault kind is an unknown key of this one", () => {
    expect(problemLinesOf({ faults: [{ kind: 'migration-cancel', migration: 'm1', at: '5s', duration: '10s' }] })).toEqual([
      'test.yaml: faults[0].duration: found unknown key "duration", expected one of kind, description, at, when, migration',
    ]);
  });

  it('a plan that neither drains nor balances is rejected, with a suggestion', () => {
    expect(problemLinesOf({ plans: [{ drian: 'src-1', at: '5s' }] })).toEqual([
      'test.yaml: plans[0]: found a mapping without any of them, expected a plan: a mapping with one of the keys drain, balance (did you mean "drain"?)',
    ]);
  });

  it('postcopy-after takes a duration or a round, and says so', () => {
    const migrations = [{ id: 'm1', vm: 'vm-1', to: 'dst-1', at: '5s', params: { 'postcopy-ram': true, 'postcopy-after': 'soon' } }];
    expect(problemLinesOf({ migrations })).toEqual([
      'test.yaml: migrations[0].params.postcopy-after: found "soon", expected a duration such as 300ms, 10s or 2m, or a round such as { round: 3 } (a mapping)',
    ]);
  });

  it('every problem of the file is reported at once, in document order', () => {
    const hosts = [{ name: 'src-1', link: '1 Gigabit' }, { name: 'dst-1', link: '1Gbps', latency: 'low' }];
    expect(problemLinesOf({ horizon: '3 minutes', hosts, ...withVm({ memory: '16 gigs', vcpus: 0 }) })).toEqual([
      'test.yaml: horizon: found "3 minutes", expected a duration such as 300ms, 10s or 2m',
      'test.yaml: hosts[0].link: found "1 Gigabit", expected a rate such as 125MB/s, 1Gbps or 100MiB/s',
      'test.yaml: hosts[1].latency: found "low", expected a duration such as 300ms, 10s or 2m',
      'test.yaml: vms[0].memory: found "16 gigs", expected a size such as 16GiB or 512MiB',
      'test.yaml: vms[0].vcpus: found 0, expected an integer from 1 to 4096',
    ]);
  });

  it('the document must be a mapping', () => {
    expect(problemLinesOfText('- a\n- b\n')).toEqual(['test.yaml: found a list, expected a scenario (a mapping)']);
  });

  it('an empty file says so', () => {
    expect(problemLinesOfText('  \n')).toEqual(['test.yaml: found an empty file, expected a scenario (a mapping)']);
  });
});

describe('scenario validation: YAML syntax', () => {
  it('a syntax error reports its line and column, and only the first error', () => {
    const broken = VALID_YAML.replace('  - { name: dst-1, link: 10Gbps, memory: 64GiB }', '  - { name: dst-1, link: 10Gbps, memory: 64GiB');
    expect(problemLinesOfText(broken, 'scenarios/broken.yaml')).toEqual([
      'scenarios/broken.yaml: found invalid YAML at line 6, column 1 (Flow map in block collection must be sufficiently indented and end with a }, BAD_INDENT), expected valid YAML or JSON',
    ]);
  });

  it('a syntax error is a ScenarioError with the syntax code and the position as data', () => {
    let caught: unknown;
    try {
      loadScenario('name: x\nhorizon: 60s\nhorizon: 90s\n', 'dup.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const error = caught as ScenarioError;
    expect(error.code).toBe(ScenarioErrorCode.Syntax);
    expect(error.problems).toEqual([
      {
        path: '',
        found: 'invalid YAML at line 3, column 1 (Map keys must be unique, DUPLICATE_KEY)',
        expected: 'valid YAML or JSON',
        message: 'found invalid YAML at line 3, column 1 (Map keys must be unique, DUPLICATE_KEY), expected valid YAML or JSON',
        line: 3,
        column: 1,
      },
    ]);
  });

  it('validation problems carry the line and column of the value in the file', () => {
    let caught: unknown;
    try {
      loadScenario(VALID_YAML.replace('memory: 4GiB', 'memory: 4 gigs'), 'x.yaml');
    } catch (error) {
      caught = error;
    }
    const error = caught as ScenarioError;
    expect(error.code).toBe(ScenarioErrorCode.Invalid);
    expect(error.problems[0]).toMatchObject({ path: 'vms[0].memory', line: 9, column: 13 });
  });

  it('JSON is YAML: a JSON scenario loads', () => {
    const json = JSON.stringify(minimalScenarioDocument());
    expect(loadScenario(json, 'x.json').vms[0]?.memoryBytes).toBe(4 * 1024 ** 3);
  });
});
