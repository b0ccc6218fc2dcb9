import { IndexedMinHeap } from '../core/indexed-heap';

/**
 * Max-min fair rates by progressive filling (water-filling, Bertsekas &
 * Gallager, "Data Networks", 6.5.2), event by event: every unfrozen flow
 * runs at one common level; a resource saturates when its capacity minus
 * what its frozen flows take is shared out among its unfrozen flows
 * (level = (capacity - frozen) / unfrozen); a flow freezes at its own cap.
 * The next event is the smaller of the earliest saturation (an indexed heap
 * of the resources the flows cross, re-keyed when one of their flows
 * freezes) and the smallest cap left (flows sorted by cap once). Each flow
 * freezes once and touches its path's resources once, so a solve costs
 * O(F x L x log R) for F flows crossing L of R resources — never O(F^2), and
 * nothing for the resources no flow crosses: studies re-rate hundreds of
 * flows thousands of times among thousands of links.
 *
 * Inputs are flat arrays the caller keeps between solves: per flow its cap
 * and its path (`pathStart[f]..pathStart[f + 1]` in `pathResources`); per
 * resource its capacity. Outputs: each flow's rate and each resource's load
 * (the sum of its flows' rates; 0 for the resources no flow crosses).
 */
export class MaxMinSolver {
  private local = new Int32Array(0).fill(-1);
  private touched = new Int32Array(0);
  private touchedCount = 0;
  private heap = new IndexedMinHeap(0);
  private unfrozen = new Int32Array(0);
  private frozenLoad = new Float64Array(0);
  private flowsOfStart = new Int32Array(1);
  private fill = new Int32Array(0);
  private flowsOf = new Int32Array(0);
  private frozen = new Uint8Array(0);
  private order = new Int32Array(0);

  solve(
    flowCount: number,
    caps: Float64Array,
    pathStart: Int32Array,
    pathResources: Int32Array,
    capacity: Float64Array,
    rates: Float64Array,
    load: Float64Array,
  ): void {
    this.reserveResources(capacity.length);
    // Loads of the resources the last solve touched go back to 0.
    for (let i = 0; i < this.touchedCount; i++) {
      const r = this.touched[i]!;
      load[r] = 0;
      this.local[r] = -1;
    }
    this.touchedCount = 0;
    this.reserveFlows(flowCount, pathStart[flowCount]!);
    const { local, touched, frozen, order } = this;
    // Compact the resources crossed by flows that may carry something.
    let active = 0;
    for (let f = 0; f < flowCount; f++) {
      rates[f] = 0;
      frozen[f] = caps[f]! > 0 ? 0 : 1;
      if (frozen[f] === 1) continue;
      order[active++] = f;
      for (let p = pathStart[f]!; p < pathStart[f + 1]!; p++) {
        const r = pathResources[p]!;
        if (local[r]! < 0) {
          local[r] = this.touchedCount;
          touched[this.touchedCount++] = r;
        }
      }
    }
    const n = this.touchedCount;
    this.reserveLocal(n);
    const { unfrozen, frozenLoad, flowsOfStart, fill, flowsOf, heap } = this;
    unfrozen.fill(0, 0, n);
    frozenLoad.fill(0, 0, n);
    for (let i = 0; i < active; i++) {
      const f = order[i]!;
      for (let p = pathStart[f]!; p < pathStart[f + 1]!; p++) unfrozen[local[pathResources[p]!]!]! += 1;
    }
    flowsOfStart[0] = 0;
    for (let l = 0; l < n; l++) {
      flowsOfStart[l + 1] = flowsOfStart[l]! + unfrozen[l]!;
      fill[l] = flowsOfStart[l]!;
    }
    for (let i = 0; i < active; i++) {
      const f = order[i]!;
      for (let p = pathStart[f]!; p < pathStart[f + 1]!; p++) flowsOf[fill[local[pathResources[p]!]!]!++] = f;
    }
    const byCap = order.subarray(0, active).sort((a, b) => caps[a]! - caps[b]! || a - b);
    for (let l = 0; l < n; l++) heap.update(l, capacity[touched[l]!]! / unfrozen[l]!);
    let capAt = 0;
    let left = active;
    const freeze = (f: number, rate: number): void => {
      frozen[f] = 1;
      rates[f] = rate;
      left -= 1;
      for (let p = pathStart[f]!; p < pathStart[f + 1]!; p++) {
        const r = pathResources[p]!;
        const l = local[r]!;
        unfrozen[l]! -= 1;
        frozenLoad[l]! += rate;
        load[r]! += rate;
        heap.update(l, unfrozen[l]! > 0 ? Math.max(0, capacity[r]! - frozenLoad[l]!) / unfrozen[l]! : Infinity);
      }
    };
    while (left > 0) {
      while (capAt < active && frozen[byCap[capAt]!] === 1) capAt++;
      const nextCap = capAt < active ? caps[byCap[capAt]!]! : Infinity;
      const saturating = heap.peek();
      const level = saturating < 0 ? Infinity : heap.keyOf(saturating);
      if (nextCap <= level) {
        if (!Number.isFinite(nextCap)) break; // nothing limits what is left (cannot happen with finite capacities)
        freeze(byCap[capAt]!, nextCap);
        continue;
      }
      heap.update(saturating, Infinity);
      for (let i = flowsOfStart[saturating]!; i < flowsOfStart[saturating + 1]!; i++) {
        const f = flowsOf[i]!;
        if (frozen[f] === 0) freeze(f, level);
      }
    }
    for (let l = 0; l < n; l++) heap.update(l, Infinity);
  }

  private reserveResources(count: number): void {
    if (this.local.length >= count) return;
    const local = new Int32Array(count).fill(-1);
    local.set(this.local.subarray(0, Math.min(this.local.length, count)));
    this.local = local;
    const touched = new Int32Array(count);
    touched.set(this.touched.subarray(0, this.touchedCount));
    this.touched = touched;
  }

  private reserveLocal(count: number): void {
    if (this.unfrozen.length >= count) return;
    const size = Math.max(count, this.unfrozen.length * 2);
    this.heap = new IndexedMinHeap(size);
    this.unfrozen = new Int32Array(size);
    this.frozenLoad = new Float64Array(size);
    this.flowsOfStart = new Int32Array(size + 1);
    this.fill = new Int32Array(size);
  }

  private reserveFlows(flows: number, pathLength: number): void {
    if (this.frozen.length < flows) {
      this.frozen = new Uint8Array(flows * 2);
      this.order = new Int32Array(flows * 2);
    }
    if (this.flowsOf.length < pathLength) this.flowsOf = new Int32Array(pathLength * 2);
  }
}
