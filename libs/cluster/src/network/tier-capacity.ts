import type { LinkTier, Topology } from './topology';

/** One tier's links of finite capacity and their total capacity. */
export interface TierCapacity {
  tier: LinkTier;
  links: number;
  capacity: number;
}

/** Links per block: a changed link costs its block's sum plus one pass over its tier's block sums. */
const BLOCK = 256;

interface TierRange {
  tier: LinkTier;
  from: number;
  to: number;
  /** Index of the tier's first block. */
  firstBlock: number;
  blocks: number;
}

/**
 * Each tier's total capacity, kept as the sums of blocks of 256 links so
 * that a bandwidth drop on one NIC re-adds 256 capacities, not the whole
 * cluster's (a chaos run over 20,000 hosts draws tens of thousands of drops
 * and restores, and link utilisation is sampled after each). A total is the
 * sum, in order, of its blocks' sums, each summed in resource order: the
 * same capacities always give the same total, whatever changed before.
 */
export class TierCapacities {
  private readonly ranges: TierRange[] = [];
  private readonly blockSum: Float64Array;
  private readonly blockLinks: Int32Array;

  constructor(
    topology: Topology,
    private readonly capacity: Float64Array,
  ) {
    let blocks = 0;
    for (const [tier, from, to] of [
      ['nic', 0, topology.rackBase],
      ['uplink', topology.rackBase, topology.coreIndex],
      ['core', topology.coreIndex, topology.resourceCount],
    ] as const) {
      const count = Math.ceil((to - from) / BLOCK);
      this.ranges.push({ tier, from, to, firstBlock: blocks, blocks: count });
      blocks += count;
    }
    this.blockSum = new Float64Array(blocks);
    this.blockLinks = new Int32Array(blocks);
    for (const range of this.ranges) for (let b = 0; b < range.blocks; b++) this.sumBlock(range, b);
  }

  /** After `capacity[from]` to `capacity[to - 1]` changed (one tier's links). */
  changed(from: number, to: number): void {
    const range = this.ranges.find((candidate) => from >= candidate.from && from < candidate.to);
    if (range === undefined) return;
    const last = Math.floor((to - 1 - range.from) / BLOCK);
    for (let b = Math.floor((from - range.from) / BLOCK); b <= last; b++) this.sumBlock(range, b);
  }

  /** Per tier with a link of finite capacity, in the order NICs, uplinks, core. */
  totals(): TierCapacity[] {
    const totals: TierCapacity[] = [];
    for (const range of this.ranges) {
      let links = 0;
      let capacity = 0;
      for (let b = range.firstBlock; b < range.firstBlock + range.blocks; b++) {
        links += this.blockLinks[b]!;
        capacity += this.blockSum[b]!;
      }
      if (links > 0) totals.push({ tier: range.tier, links, capacity });
    }
    return totals;
  }

  private sumBlock(range: TierRange, b: number): void {
    const from = range.from + b * BLOCK;
    const to = Math.min(range.to, from + BLOCK);
    let links = 0;
    let sum = 0;
    for (let r = from; r < to; r++) {
      const linkCapacity = this.capacity[r]!;
      if (!Number.isFinite(linkCapacity)) continue;
      links += 1;
      sum += linkCapacity;
    }
    this.blockSum[range.firstBlock + b] = sum;
    this.blockLinks[range.firstBlock + b] = links;
  }
}

/** How loaded one tier of links is, as of the last recompute. */
export interface TierLoad {
  tier: LinkTier;
  /** Links of the tier (each direction counts). */
  links: number;
  /** Their capacities summed (what migrations may use of them). */
  capacityBytesPerSec: number;
  /** Sum of the tier's loads over the sum of its capacities. */
  meanFraction: number;
  /** The most loaded link's load over its capacity. */
  maxFraction: number;
  /** Links carrying something. */
  busyLinks: number;
}

/**
 * Per tier: how much of its links the flows use, from the links the flows
 * cross (`crossed`, in resource order) and their loads. Only those carry
 * load: summed in resource order they give the same sums as every link
 * would (the others add exactly 0), at a cost that follows the flows, not
 * the cluster's size.
 */
export function loadsByTier(topology: Topology, totals: readonly TierCapacity[], crossed: Int32Array, capacity: Float64Array, load: Float64Array): TierLoad[] {
  const loads = new Map<LinkTier, { used: number; max: number; busy: number }>(totals.map((total) => [total.tier, { used: 0, max: 0, busy: 0 }]));
  for (const r of crossed) {
    const linkCapacity = capacity[r]!;
    const used = load[r]!;
    if (!Number.isFinite(linkCapacity) || !(used > 0)) continue;
    const tier = loads.get(topology.tier[r]!)!;
    tier.used += used;
    tier.busy += 1;
    if (linkCapacity > 0) tier.max = Math.max(tier.max, used / linkCapacity);
  }
  return totals.map(({ tier, links, capacity: tierCapacity }) => {
    const tierLoad = loads.get(tier)!;
    return { tier, links, capacityBytesPerSec: tierCapacity, meanFraction: tierCapacity > 0 ? tierLoad.used / tierCapacity : 0, maxFraction: tierLoad.max, busyLinks: tierLoad.busy };
  });
}

/** The distinct values of `values`, ascending. */
export function uniqueSorted(values: Int32Array): Int32Array {
  const sorted = values.slice().sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i]!;
  return sorted.subarray(0, count);
}
