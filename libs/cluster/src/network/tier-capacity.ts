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
