import fc from 'fast-check';
import type { NetworkSpec } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { LinkModel } from './link-model';

const GBPS_1 = 125_000_000; // 1 Gbps in bytes/s

/** h0..h2 and h3..h5 in two racks behind a core (4 of the 6 flows' paths in the properties cross it). */
const TWO_RACKS: NetworkSpec = {
  racks: [
    { name: 'r0', hosts: ['h0', 'h1', 'h2'], uplinkBytesPerSec: 90, migrationUplinkBytesPerSec: null },
    { name: 'r1', hosts: ['h3', 'h4', 'h5'], uplinkBytesPerSec: 70, migrationUplinkBytesPerSec: null },
  ],
  coreBytesPerSec: 100,
  rackLatencyNs: 3,
  coreLatencyNs: 11,
  backgroundFraction: 0,
  migrationNetwork: null,
};

function model(hosts: Record<string, number>): LinkModel {
  const links = new LinkModel();
  for (const [name, rate] of Object.entries(hosts)) links.addHost(name, rate);
  return links;
}

describe('LinkModel: max-min fair sharing', () => {
  it('two migrations on one 1 Gbps source link get 62.5 MB/s each; one ends, the other gets the full rate', () => {
    const links = model({ src: GBPS_1, dst1: 10 * GBPS_1, dst2: 10 * GBPS_1 });
    links.startFlow({ id: 'm1', sourceHost: 'src', destinationHost: 'dst1', capBytesPerSec: Infinity });
    links.startFlow({ id: 'm2', sourceHost: 'src', destinationHost: 'dst2', capBytesPerSec: Infinity });
    expect(links.rateBytesPerSec('m1')).toBeCloseTo(62_500_000, 3);
    expect(links.rateBytesPerSec('m2')).toBeCloseTo(62_500_000, 3);
    links.stopFlow('m1');
    expect(links.rateBytesPerSec('m2')).toBeCloseTo(125_000_000, 3);
  });

  it('a flow capped below its fair share leaves the rest to the others', () => {
    const links = model({ src: GBPS_1, a: GBPS_1, b: GBPS_1 });
    links.startFlow({ id: 'slow', sourceHost: 'src', destinationHost: 'a', capBytesPerSec: 25_000_000 });
    links.startFlow({ id: 'fast', sourceHost: 'src', destinationHost: 'b', capBytesPerSec: Infinity });
    expect(links.rateBytesPerSec('slow')).toBeCloseTo(25_000_000, 3);
    expect(links.rateBytesPerSec('fast')).toBeCloseTo(100_000_000, 3);
  });

  it('the destination ingress is a bottleneck too', () => {
    const links = model({ s1: 10 * GBPS_1, s2: 10 * GBPS_1, dst: GBPS_1 });
    links.startFlow({ id: 'x', sourceHost: 's1', destinationHost: 'dst', capBytesPerSec: Infinity });
    links.startFlow({ id: 'y', sourceHost: 's2', destinationHost: 'dst', capBytesPerSec: Infinity });
    expect(links.rateBytesPerSec('x')).toBeCloseTo(62_500_000, 3);
    expect(links.rateBytesPerSec('y')).toBeCloseTo(62_500_000, 3);
  });

  it('link down gives 0, and the bandwidth returns to the others', () => {
    const links = model({ src: GBPS_1, a: GBPS_1, b: GBPS_1 });
    links.startFlow({ id: 'toA', sourceHost: 'src', destinationHost: 'a', capBytesPerSec: Infinity });
    links.startFlow({ id: 'toB', sourceHost: 'src', destinationHost: 'b', capBytesPerSec: Infinity });
    links.setPathDown('src', 'a', true);
    expect(links.rateBytesPerSec('toA')).toBe(0);
    expect(links.rateBytesPerSec('toB')).toBeCloseTo(GBPS_1, 3);
    links.setPathDown('a', 'src', false);
    expect(links.rateBytesPerSec('toA')).toBeCloseTo(GBPS_1 / 2, 3);
  });

  it('a down host carries nothing; a path cap and a NIC rate drop lower the rate', () => {
    const links = model({ src: GBPS_1, dst: GBPS_1 });
    links.startFlow({ id: 'm', sourceHost: 'src', destinationHost: 'dst', capBytesPerSec: Infinity });
    links.setHostUp('dst', false);
    expect(links.rateBytesPerSec('m')).toBe(0);
    links.setHostUp('dst', true);
    links.setPathCap('src', 'dst', 10_000_000);
    expect(links.rateBytesPerSec('m')).toBeCloseTo(10_000_000, 3);
    links.setPathCap('src', 'dst', Infinity);
    links.setHostNicRate('src', 50_000_000);
    expect(links.rateBytesPerSec('m')).toBeCloseTo(50_000_000, 3);
  });

  it('a path crosses both hosts\' access links: their latencies add up', () => {
    const links = new LinkModel();
    links.addHost('a', GBPS_1, 200_000);
    links.addHost('b', GBPS_1, 300_000);
    expect(links.latencyNs('a', 'b')).toBe(500_000);
  });

  it('added latency accumulates on a path, in both directions', () => {
    const links = new LinkModel(100_000);
    links.addHost('a', GBPS_1);
    links.addHost('b', GBPS_1);
    links.addPathLatency('a', 'b', 5_000_000);
    expect(links.latencyNs('b', 'a')).toBe(5_100_000);
    links.addPathLatency('a', 'b', -5_000_000);
    expect(links.latencyNs('a', 'b')).toBe(100_000);
  });

  it('latency added to a host\'s access link lengthens every path through it, and only those, until removed', () => {
    const links = new LinkModel();
    links.addHost('a', GBPS_1, 100_000);
    links.addHost('b', GBPS_1, 100_000);
    links.addHost('c', GBPS_1, 100_000);
    links.addHostLatency('a', 20_000_000);
    expect(links.latencyNs('a', 'b')).toBe(20_200_000);
    expect(links.latencyNs('c', 'a')).toBe(20_200_000);
    expect(links.latencyNs('b', 'c')).toBe(200_000);
    links.addHostLatency('a', -20_000_000);
    expect(links.latencyNs('a', 'b')).toBe(200_000);
    expect(() => links.addHostLatency('nowhere', 1)).toThrow();
  });

  it('any set of flows: no NIC oversubscribed, no flow above its cap, and every flow is bottlenecked somewhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ s: fc.integer({ min: 0, max: 4 }), d: fc.integer({ min: 0, max: 4 }), cap: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }) }), { minLength: 1, maxLength: 12 }),
        (specs) => {
          const links = new LinkModel();
          const nic = [100, 50, 80, 120, 30];
          nic.forEach((rate, i) => links.addHost(`h${i}`, rate));
          specs.forEach((spec, i) => links.startFlow({ id: `f${i}`, sourceHost: `h${spec.s}`, destinationHost: `h${spec.d}`, capBytesPerSec: spec.cap ?? Infinity }));
          const out = new Array(5).fill(0);
          const inn = new Array(5).fill(0);
          specs.forEach((spec, i) => {
            const rate = links.rateBytesPerSec(`f${i}`);
            expect(rate).toBeLessThanOrEqual((spec.cap ?? Infinity) + 1e-6);
            out[spec.s] += rate;
            inn[spec.d] += rate;
          });
          nic.forEach((rate, i) => {
            expect(out[i]).toBeLessThanOrEqual(rate + 1e-6);
            expect(inn[i]).toBeLessThanOrEqual(rate + 1e-6);
          });
          // Max-min: each flow is at its cap, or crosses a saturated NIC where it has the largest rate.
          specs.forEach((spec, i) => {
            const rate = links.rateBytesPerSec(`f${i}`);
            if (spec.cap !== undefined && rate >= spec.cap - 1e-6) return;
            const maxOn = (side: 's' | 'd', host: number) =>
              Math.max(...specs.map((o, j) => (o[side] === host ? links.rateBytesPerSec(`f${j}`) : 0)));
            const egressBottleneck = out[spec.s] >= nic[spec.s]! - 1e-6 && rate >= maxOn('s', spec.s) - 1e-6;
            const ingressBottleneck = inn[spec.d] >= nic[spec.d]! - 1e-6 && rate >= maxOn('d', spec.d) - 1e-6;
            expect(egressBottleneck || ingressBottleneck).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('flowState tells each flow exactly what rateBytesPerSec, burstRateBytesPerSec, latencyNs and isPathUp tell, whatever faults act', () => {
    const fault = fc.oneof(
      fc.record({ kind: fc.constant('path-down' as const), a: fc.nat(5), b: fc.nat(5), down: fc.boolean() }),
      fc.record({ kind: fc.constant('path-cap' as const), a: fc.nat(5), b: fc.nat(5), cap: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ kind: fc.constant('path-latency' as const), a: fc.nat(5), b: fc.nat(5), ns: fc.integer({ min: -50, max: 500 }) }),
      fc.record({ kind: fc.constant('host-latency' as const), a: fc.nat(5), ns: fc.integer({ min: -50, max: 500 }) }),
      fc.record({ kind: fc.constant('host-down' as const), a: fc.nat(5), down: fc.boolean() }),
      fc.record({ kind: fc.constant('nic-down' as const), a: fc.nat(5), down: fc.boolean() }),
      fc.record({ kind: fc.constant('nic-rate' as const), a: fc.nat(5), rate: fc.integer({ min: 1, max: 300 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ s: fc.nat(5), d: fc.nat(5), cap: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }) }), { minLength: 1, maxLength: 10 }),
        fc.array(fault, { maxLength: 8 }),
        fc.boolean(),
        (flows, faults, racks) => {
          const links = new LinkModel(7);
          [100, 50, 80, 120, 30, 60].forEach((rate, i) => links.addHost(`h${i}`, rate, 10 * i));
          if (racks) links.setNetwork(TWO_RACKS);
          flows.forEach((flow, i) => links.startFlow({ id: `f${i}`, sourceHost: `h${flow.s}`, destinationHost: `h${flow.d}`, capBytesPerSec: flow.cap ?? Infinity }));
          for (const f of faults) {
            if (f.kind === 'path-down') links.setPathDown(`h${f.a}`, `h${f.b}`, f.down);
            else if (f.kind === 'path-cap') links.setPathCap(`h${f.a}`, `h${f.b}`, f.cap);
            else if (f.kind === 'path-latency') links.addPathLatency(`h${f.a}`, `h${f.b}`, f.ns);
            else if (f.kind === 'host-latency') links.addHostLatency(`h${f.a}`, f.ns);
            else if (f.kind === 'host-down') links.setHostUp(`h${f.a}`, !f.down);
            else if (f.kind === 'nic-down') links.setHostNicDown(`h${f.a}`, f.down);
            else links.setHostNicRate(`h${f.a}`, f.rate);
          }
          flows.forEach((flow, i) => {
            const id = `f${i}`;
            const state = { rateBytesPerSec: -1, burstRateBytesPerSec: -1, latencyNs: -1, pathUp: false };
            expect(links.flowState(id, state)).toBe(true);
            expect(state).toEqual({
              rateBytesPerSec: links.rateBytesPerSec(id),
              burstRateBytesPerSec: links.burstRateBytesPerSec(id),
              latencyNs: links.latencyNs(`h${flow.s}`, `h${flow.d}`),
              pathUp: links.isPathUp(`h${flow.s}`, `h${flow.d}`),
            });
          });
          expect(links.flowState('nowhere', { rateBytesPerSec: 0, burstRateBytesPerSec: 0, latencyNs: 0, pathUp: false })).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
