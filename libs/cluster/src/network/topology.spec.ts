import fc from 'fast-check';
import type { NetworkSpec } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { LinkModel } from './link-model';

const GBPS = 125_000_000;

/** Hosts h-1..h-n on `nic`, racks of `size`, uplinks given per rack. */
function racked(n: number, size: number, network: Partial<NetworkSpec> & { uplink: number }, nic = 10 * GBPS): LinkModel {
  const links = new LinkModel();
  const names = Array.from({ length: n }, (_, i) => `h-${i + 1}`);
  for (const name of names) links.addHost(name, nic, 50_000);
  const racks = [];
  for (let k = 0; k * size < n; k++) {
    racks.push({ name: `rack-${k + 1}`, hosts: names.slice(k * size, (k + 1) * size), uplinkBytesPerSec: network.uplink, migrationUplinkBytesPerSec: network.migrationNetwork ? network.uplink * 2 : null });
  }
  links.setNetwork({ racks, coreBytesPerSec: null, rackLatencyNs: 5_000, coreLatencyNs: 20_000, backgroundFraction: 0, migrationNetwork: null, ...network });
  return links;
}

const flow = (links: LinkModel, id: string, from: number, to: number, cap = Infinity) =>
  links.startFlow({ id, sourceHost: `h-${from}`, destinationHost: `h-${to}`, capBytesPerSec: cap });

describe('LinkModel over racks: every link a path crosses is shared max-min', () => {
  it('flows leaving one rack share its 10 Gbps uplink; a flow inside the rack does not touch it', () => {
    const links = racked(8, 4, { uplink: 10 * GBPS });
    for (const [id, from, to] of [['a', 1, 5], ['b', 2, 6], ['c', 3, 7], ['d', 4, 8]] as const) flow(links, id, from, to);
    flow(links, 'local', 1, 2);
    for (const id of ['a', 'b', 'c', 'd']) expect(links.rateBytesPerSec(id)).toBeCloseTo(2.5 * GBPS, 0);
    // h-1's NIC carries a (2.5) and local: local gets the rest of h-1's egress.
    expect(links.rateBytesPerSec('local')).toBeCloseTo(7.5 * GBPS, 0);
    const loads = Object.fromEntries(links.tierLoads().map((load) => [load.tier, load]));
    expect(loads['uplink']!.maxFraction).toBeCloseTo(1, 6);
    expect(loads['uplink']!.busyLinks).toBe(2);
  });

  it('the core caps traffic between racks; capped flows leave room to the others', () => {
    const links = racked(8, 2, { uplink: 100 * GBPS, coreBytesPerSec: 6 * GBPS });
    flow(links, 'x', 1, 3);
    flow(links, 'y', 5, 7);
    flow(links, 'slow', 2, 8, GBPS);
    expect(links.rateBytesPerSec('slow')).toBeCloseTo(GBPS, 0);
    expect(links.rateBytesPerSec('x')).toBeCloseTo(2.5 * GBPS, 0);
    expect(links.rateBytesPerSec('y')).toBeCloseTo(2.5 * GBPS, 0);
  });

  it('background traffic takes its share of every primary link; a dedicated migration network has none of it', () => {
    const shared = racked(4, 2, { uplink: 20 * GBPS, backgroundFraction: 0.4 });
    flow(shared, 'm', 1, 3);
    expect(shared.rateBytesPerSec('m')).toBeCloseTo(6 * GBPS, 0);
    const dedicated = racked(4, 2, { uplink: 20 * GBPS, backgroundFraction: 0.4, migrationNetwork: { linkBytesPerSec: 25 * GBPS, coreBytesPerSec: null } });
    flow(dedicated, 'm', 1, 3);
    expect(dedicated.rateBytesPerSec('m')).toBeCloseTo(25 * GBPS, 0);
    // A bandwidth drop on a host hits the NIC migrations use, and reports what it was.
    expect(dedicated.hostNicRate('h-1')).toBe(25 * GBPS);
    dedicated.setHostNicRate('h-1', GBPS);
    expect(dedicated.rateBytesPerSec('m')).toBeCloseTo(GBPS, 0);
  });

  it('a path within a rack adds the rack latency, across racks the core latency, to both access links', () => {
    const links = racked(4, 2, { uplink: 20 * GBPS });
    expect(links.latencyNs('h-1', 'h-2')).toBe(100_000 + 5_000);
    expect(links.latencyNs('h-1', 'h-3')).toBe(100_000 + 20_000);
  });

  it('the burst rate is what the most loaded link of the path has left beside the other flows', () => {
    const links = racked(4, 2, { uplink: 4 * GBPS });
    flow(links, 'capped', 1, 3, GBPS);
    flow(links, 'other', 2, 4, GBPS);
    // The uplink of rack-1 carries 2 Gbps of its 4: a burst of 'capped' gets its own 1 + the 2 left.
    expect(links.burstRateBytesPerSec('capped')).toBeCloseTo(3 * GBPS, 0);
  });

  it('any flows on any racked network: no link over its capacity, no flow over its cap, each flow capped or on a saturated link where no flow gets more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ s: fc.integer({ min: 1, max: 9 }), d: fc.integer({ min: 1, max: 9 }), cap: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }) }), { minLength: 1, maxLength: 16 }),
        fc.option(fc.integer({ min: 20, max: 400 }), { nil: undefined }),
        (size, specs, core) => {
          const links = new LinkModel();
          const nics = [100, 50, 80, 120, 30, 60, 90, 40, 70];
          nics.forEach((rate, i) => links.addHost(`h-${i + 1}`, rate));
          const racks = [];
          for (let k = 0; k * size < 9; k++) racks.push({ name: `r${k}`, hosts: Array.from({ length: Math.min(size, 9 - k * size) }, (_, j) => `h-${k * size + j + 1}`), uplinkBytesPerSec: 70 + 10 * k, migrationUplinkBytesPerSec: null });
          links.setNetwork({ racks, coreBytesPerSec: core ?? null, rackLatencyNs: 0, coreLatencyNs: 0, backgroundFraction: 0, migrationNetwork: null });
          specs.forEach((spec, i) => flow(links, `f${i}`, spec.s, spec.d, spec.cap ?? Infinity));
          const rackOf = (h: number) => Math.floor((h - 1) / size);
          const linksOf = (spec: { s: number; d: number }): string[] => {
            const path = [`out${spec.s}`, `in${spec.d}`];
            if (rackOf(spec.s) !== rackOf(spec.d)) path.push(`up${rackOf(spec.s)}`, `down${rackOf(spec.d)}`, ...(core === undefined ? [] : ['core']));
            return path;
          };
          const capacity = (link: string): number => {
            if (link === 'core') return core!;
            const n = Number(link.replace(/\D+/, ''));
            return link.startsWith('out') || link.startsWith('in') ? nics[n - 1]! : 70 + 10 * n;
          };
          const rates = specs.map((_, i) => links.rateBytesPerSec(`f${i}`));
          const load = new Map<string, number>();
          specs.forEach((spec, i) => linksOf(spec).forEach((link) => load.set(link, (load.get(link) ?? 0) + rates[i]!)));
          for (const [link, used] of load) expect(used).toBeLessThanOrEqual(capacity(link) + 1e-6);
          specs.forEach((spec, i) => {
            const rate = rates[i]!;
            expect(rate).toBeLessThanOrEqual((spec.cap ?? Infinity) + 1e-6);
            if (spec.cap !== undefined && rate >= spec.cap - 1e-6) return;
            const bottleneck = linksOf(spec).some((link) => {
              if (load.get(link)! < capacity(link) - 1e-6) return false;
              return specs.every((other, j) => !linksOf(other).includes(link) || rates[j]! <= rate + 1e-6);
            });
            expect(bottleneck).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('LinkModel: a bandwidth drop changes two NIC links in place', () => {
  it('gives the same rates and tier loads as a model built with the new NIC rates, over racks, background traffic and a migration network', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.constantFrom(0, 0.25),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 })), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 100 })), { minLength: 1, maxLength: 20 }),
        (dedicated, background, flows, drops) => {
          // 600 hosts: the NIC tier spans several blocks of the per-tier capacity sums.
          const network = { uplink: 40 * GBPS, backgroundFraction: background, migrationNetwork: dedicated ? { linkBytesPerSec: 25 * GBPS, coreBytesPerSec: null } : null };
          const changed = racked(600, 40, network);
          const started = flows.filter(([from, to]) => from !== to);
          started.forEach(([from, to], i) => flow(changed, `m${i}`, from, to));
          changed.tierLoads();
          const finalRate = new Map<number, number>();
          for (const [host, mbps] of drops) {
            changed.setHostNicRate(`h-${host}`, mbps * 1_000_000);
            finalRate.set(host, mbps * 1_000_000);
            changed.tierLoads();
          }
          const built = racked(600, 40, network);
          for (const [host, rate] of finalRate) built.setHostNicRate(`h-${host}`, rate);
          started.forEach(([from, to], i) => flow(built, `m${i}`, from, to));
          expect(changed.allRates()).toEqual(built.allRates());
          expect(changed.tierLoads()).toEqual(built.tierLoads());
        },
      ),
      { numRuns: 60 },
    );
  });
});
