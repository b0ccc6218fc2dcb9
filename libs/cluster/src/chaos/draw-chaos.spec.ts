import { faultsFromEntries, parseDuration, type ChaosSpec } from '@migsim/scenario';
import { scenarioFrom } from '@migsim/scenario/testing';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { drawChaos, type FaultEntry } from './draw-chaos';

const HOUR = '1h';
const hosts = (names: string[]) => names.map((name) => ({ name, link: '10Gbps', memory: '64GiB' }));
const fourHosts = hosts(['src-1', 'dst-1', 'dst-2', 'dst-3']);

function scenarioWith(chaos: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return scenarioFrom({ horizon: HOUR, hosts: fourHosts, plans: [{ drain: 'src-1', at: '10s', to: ['dst-1', 'dst-2', 'dst-3'] }], chaos, ...extra });
}

function draw(chaos: ChaosSpec, seed: number, horizonNs = 3600e9): FaultEntry[] {
  return drawChaos(chaos, horizonNs, new Rng(seed).fork('chaos'));
}

describe('drawChaos', () => {
  const everything = scenarioWith({
    'host-crash': { perHostHour: 1, perRound: '10%', hosts: ['dst-1', 'dst-2'] },
    'link-down': { perHostHour: 1, perRound: '5%', phases: ['setup', 'round', 'stop-and-copy'] },
    'link-flap': { perHostHour: 0.5, perRound: '5%' },
    'bandwidth-drop': { perHostHour: 1, perRound: '5%', bandwidth: { min: '10MB/s', max: '50MB/s' } },
    'latency-spike': { perHostHour: 1, perRound: '5%', latency: { mean: '20ms', max: '200ms' } },
    cancel: { perRound: '2%' },
    'destination-unavailable': { probability: '20%' },
  });

  it('is a function of the seed: the same seed draws the same schedule, another seed another one', () => {
    const chaos = everything.chaos!;
    expect(draw(chaos, 7)).toEqual(draw(chaos, 7));
    expect(draw(chaos, 7)).not.toEqual(draw(chaos, 8));
  });

  it('draws plain fault entries the loader takes back exactly, for every kind, over many seeds', () => {
    const variant = everything.variants[0]!;
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const entries = draw(variant.chaos!, seed);
      for (const entry of entries) kinds.add(String(entry['kind']));
      const faults = faultsFromEntries(entries, variant, everything.horizonNs, 'chaos.yaml');
      expect(faults).toHaveLength(entries.length);
    }
    expect([...kinds].sort()).toEqual(['bandwidth-drop', 'destination-crash', 'latency', 'link-down', 'migration-cancel']);
  });

  it('per host-hour is a Poisson process on each target host, inside the chaos window', () => {
    const scenario = scenarioWith({ from: '10m', until: '40m', 'link-down': { perHostHour: 6, hosts: ['dst-1', 'dst-2'] } });
    let count = 0;
    const seeds = 200;
    for (let seed = 1; seed <= seeds; seed++) {
      for (const entry of draw(scenario.chaos!, seed)) {
        count += 1;
        expect(['dst-1', 'dst-2']).toContain(entry['host']);
        const at = parseDuration(entry['at'], { allowZero: true });
        expect(at.ok && at.value % 1e6).toBe(0);
        expect(at.ok && at.value).toBeGreaterThanOrEqual(600e9);
        expect(at.ok && at.value).toBeLessThan(2400e9);
      }
    }
    // 6 per hour x 0.5 h x 2 hosts = 6 per seed on average; 1,200 expected over 200 seeds (sd about 35).
    expect(count / seeds).toBeGreaterThan(5.5);
    expect(count / seeds).toBeLessThan(6.5);
  });

  it('per round strikes each phase step of each target migration with the given probability, and names the step', () => {
    const scenario = scenarioWith({ 'host-crash': { perRound: '25%', rounds: 4, migrations: ['drain-src-1/vm-1'] } });
    let count = 0;
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      for (const entry of draw(scenario.chaos!, seed)) {
        count += 1;
        const when = entry['when'] as Record<string, unknown>;
        expect(entry).toMatchObject({ kind: 'destination-crash', description: 'chaos host-crash (per round)' });
        expect(entry['host']).toBeUndefined();
        expect(when).toMatchObject({ migration: 'drain-src-1/vm-1', phase: 'round' });
        seen.add(when['round'] as number);
      }
    }
    // 4 rounds x 25 % = 1 per seed on average.
    expect(count / 200).toBeGreaterThan(0.85);
    expect(count / 200).toBeLessThan(1.15);
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });

  it('a host added to the file changes no other host\'s faults (every host draws from a stream of its own)', () => {
    const three = scenarioWith({ 'bandwidth-drop': { perHostHour: 3, hosts: ['dst-1', 'dst-3'], bandwidth: '10MB/s' } });
    const four = scenarioWith({ 'bandwidth-drop': { perHostHour: 3, hosts: ['dst-1', 'dst-2', 'dst-3'], bandwidth: '10MB/s' } });
    const without = (entries: FaultEntry[]) => entries.filter((entry) => entry['host'] !== 'dst-2');
    for (const seed of [1, 2, 3]) expect(without(draw(four.chaos!, seed))).toEqual(draw(three.chaos!, seed));
  });

  it('swarm: each seed switches each kind on or off, about half the time each, and an off kind draws nothing', () => {
    const scenario = scenarioWith({ swarm: true, 'link-down': { perHostHour: 20 }, 'host-crash': { perHostHour: 20 } });
    const patterns = new Map<string, number>();
    for (let seed = 1; seed <= 200; seed++) {
      const entries = draw(scenario.chaos!, seed);
      const pattern = ['link-down', 'destination-crash'].map((kind) => (entries.some((entry) => entry['kind'] === kind) ? '1' : '0')).join('');
      patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1);
    }
    for (const pattern of ['00', '01', '10', '11']) {
      expect(patterns.get(pattern) ?? 0).toBeGreaterThan(30);
      expect(patterns.get(pattern) ?? 0).toBeLessThan(70);
    }
  });

  it('a flap episode is several outages, each starting when the previous one ended plus an up time', () => {
    const scenario = scenarioWith({ 'link-flap': { perRound: '100%', rounds: 1, migrations: ['drain-src-1/vm-1'], flaps: 3, down: '2s', up: '5s', after: '1s' } });
    expect(draw(scenario.chaos!, 1)).toEqual([
      { kind: 'link-down', when: { migration: 'drain-src-1/vm-1', phase: 'round', round: 1, after: '1s' }, duration: '2s', description: 'chaos link-flap (per round), outage 1 of 3' },
      { kind: 'link-down', when: { migration: 'drain-src-1/vm-1', phase: 'round', round: 1, after: '8s' }, duration: '2s', description: 'chaos link-flap (per round), outage 2 of 3' },
      { kind: 'link-down', when: { migration: 'drain-src-1/vm-1', phase: 'round', round: 1, after: '15s' }, duration: '2s', description: 'chaos link-flap (per round), outage 3 of 3' },
    ]);
  });

  it('a latency spike per host-hour lands on a path from that host to another one (latency belongs to paths)', () => {
    const scenario = scenarioWith({ 'latency-spike': { perHostHour: 10, hosts: ['dst-1'], latency: '30ms', duration: '2s' } });
    const entries = draw(scenario.chaos!, 3);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry).toMatchObject({ kind: 'latency', from: 'dst-1', latency: '30ms', duration: '2s' });
      expect(['src-1', 'dst-2', 'dst-3']).toContain(entry['to']);
    }
  });

  it('destination-unavailable crashes the destination as the migration enters setup', () => {
    const scenario = scenarioWith({ 'destination-unavailable': { probability: '100%', downFor: '30s' } }, { migrations: [] });
    expect(draw(scenario.chaos!, 5)).toEqual([
      { kind: 'destination-crash', when: { migration: 'drain-src-1/vm-1', phase: 'setup' }, duration: '30s', description: 'chaos destination-unavailable' },
    ]);
  });
});
