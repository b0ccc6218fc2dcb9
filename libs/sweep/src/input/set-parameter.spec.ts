import { describe, expect, it } from 'vitest';
import { applySet, parseSetOption } from './set-parameter';

describe('--set path=values', () => {
  it('reads a path and YAML values split on commas outside brackets', () => {
    expect(parseSetOption('policy.progressTimeout=30s,150')).toEqual({
      path: 'policy.progressTimeout',
      values: [
        { text: '30s', value: '30s' },
        { text: '150', value: 150 },
      ],
    });
    expect(parseSetOption('chaos.host-crash.downFor={ min: 10s, max: 1m },30s').values.map((value) => value.value)).toEqual([{ min: '10s', max: '1m' }, '30s']);
    expect(parseSetOption('policy.allowAutoConverge=true,false').values.map((value) => value.value)).toEqual([true, false]);
  });

  it.each([
    ['policy.progressTimeout', '--set: found "policy.progressTimeout", expected path=value1,value2,... such as policy.progressTimeout=30s,150s'],
    ['policy..x=1', '--set: found the path "policy..x", expected keys joined by dots'],
    ['policy.x=1,,2', '--set: policy.x: found "1,,2", expected one or more values separated by commas'],
    ['policy.x={a: 1', '--set: policy.x: found "{a: 1", expected a YAML value'],
  ])('refuses %j', (option, message) => {
    expect(() => parseSetOption(option)).toThrow(message);
  });

  it('sets keys through mappings (creating them) and list entries by name, id, dotted name or index', () => {
    const document: Record<string, unknown> = {
      hosts: [{ name: 'src-1' }, { name: 'web.example' }],
      migrations: [{ id: 'm1', params: {} }],
      faults: [{ kind: 'link-down' }],
    };
    applySet(document, 'policy.retries.max', 3);
    applySet(document, 'hosts.src-1.link', '1Gbps');
    applySet(document, 'hosts.web.example.memory', '8GiB');
    applySet(document, 'migrations.m1.params.downtime-limit', '100ms');
    applySet(document, 'faults.0.duration', '5s');
    expect(document).toEqual({
      hosts: [
        { name: 'src-1', link: '1Gbps' },
        { name: 'web.example', memory: '8GiB' },
      ],
      migrations: [{ id: 'm1', params: { 'downtime-limit': '100ms' } }],
      faults: [{ kind: 'link-down', duration: '5s' }],
      policy: { retries: { max: 3 } },
    });
  });

  it('names the entries a list has when the path names another, and a value that holds no keys', () => {
    const document = { hosts: [{ name: 'src-1' }, { name: 'dst-1' }], horizon: '10m' };
    expect(() => applySet(document, 'hosts.dst-9.link', '1Gbps')).toThrow('--set: hosts.dst-9.link: hosts has no entry "dst-9", expected an entry named src-1, dst-1 or an index from 0 to 1');
    expect(() => applySet(document, 'horizon.max', 1)).toThrow('--set: horizon.max: horizon is "10m", expected a mapping or a list to hold max');
  });
});
