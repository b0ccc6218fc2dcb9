import { describe, expect, it } from 'vitest';
import { RefaultPass } from './refault-pass';

/** A working set of `regions` 2 MiB regions; unmapped ones cost `faultNs` to touch (and become mapped). */
function fakeWorkingSet(regions: number, faultNs: number) {
  const unmapped = new Uint8Array(regions);
  const touched: number[] = [];
  const pass = new RefaultPass(regions, regions * 2 * 2 ** 20, (r) => {
    touched.push(r);
    if (!unmapped[r]) return 0;
    unmapped[r] = 0;
    return faultNs;
  });
  const unmappedBytes = (outside = 0) => unmapped.reduce((a, b) => a + b, 0) * 2 * 2 ** 20 + outside;
  return { unmapped, touched, pass, unmappedBytes };
}

function step(ws: ReturnType<typeof fakeWorkingSet>, budgetNs: number, outside = 0): number {
  ws.pass.observe(ws.unmappedBytes(outside));
  const spent = ws.pass.run(budgetNs);
  ws.pass.settle(ws.unmappedBytes(outside));
  return spent;
}

describe('re-fault pass', () => {
  it('the vCPU-time budget bounds the faults per step, so a large zapped working set takes several steps', () => {
    const ws = fakeWorkingSet(1000, 10_000);
    ws.unmapped.fill(1);
    const spent = [step(ws, 2_000_000), step(ws, 2_000_000), step(ws, 2_000_000)];
    expect(spent).toEqual([2_000_000, 2_000_000, 2_000_000]); // 200 faults x 10 us per step
    expect(ws.unmappedBytes()).toBe(400 * 2 * 2 ** 20);
    for (let i = 0; i < 3; i++) step(ws, 2_000_000);
    expect(ws.unmappedBytes()).toBe(0);
    expect(ws.pass.inProgress).toBe(false);
  });

  it('memory outside the working set that stays unmapped does not start a new pass every step', () => {
    const ws = fakeWorkingSet(100, 1000);
    ws.unmapped.fill(1);
    const outside = 64 * 2 ** 20;
    step(ws, 1e9, outside); // maps the whole working set, learns what is left is outside
    ws.touched.length = 0;
    for (let i = 0; i < 5; i++) step(ws, 1e9, outside);
    expect(ws.touched).toEqual([]);
  });

  it('a zap behind the cursor during a pass restarts a full cycle, so no region is left unmapped', () => {
    const ws = fakeWorkingSet(100, 1000);
    ws.unmapped.fill(1);
    step(ws, 50_000); // regions 0..49 mapped again
    ws.unmapped[10] = 1; // zapped again, behind the cursor
    for (let i = 0; i < 4; i++) step(ws, 50_000);
    expect(ws.unmappedBytes()).toBe(0);
  });

  it('working-set estimate: a zap of all memory counts the whole working set, and re-faults bring it back to 0', () => {
    const ws = fakeWorkingSet(100, 1000);
    const region = 2 * 2 ** 20;
    step(ws, 1e9); // nothing unmapped yet
    ws.unmapped.fill(1);
    const outside = 300 * region; // the zap also unmapped 300 regions the guest never touches
    ws.pass.observe(ws.unmappedBytes(outside));
    expect(ws.pass.workingSetUnmappedBytes).toBe(100 * region);
    ws.pass.run(40_000); // 40 faults
    ws.pass.settle(ws.unmappedBytes(outside));
    expect(ws.pass.workingSetUnmappedBytes).toBe(60 * region);
    step(ws, 1e9, outside);
    expect(ws.pass.workingSetUnmappedBytes).toBe(0);
  });

  it('working-set estimate: a zap of untouched memory only is charged to the working set until a pass finds nothing', () => {
    const ws = fakeWorkingSet(100, 1000);
    step(ws, 1e9);
    ws.touched.length = 0;
    step(ws, 1e9, 50 * 2 * 2 ** 20);
    expect(ws.touched.length).toBe(100);
    expect(ws.pass.workingSetUnmappedBytes).toBe(0);
  });

  it('nothing unmapped: no region is touched', () => {
    const ws = fakeWorkingSet(100, 1000);
    step(ws, 1e9);
    expect(ws.touched).toEqual([]);
  });

  it('steps over runs of mapped regions: only unmapped ones are touched, the others are reported as skipped, the pass ends as before', () => {
    const regions = 100_000;
    const unmapped = new Uint8Array(regions);
    for (const r of [17, 50_000, 99_999]) unmapped[r] = 1;
    const touched: number[] = [];
    let skipped = 0;
    const mappedFrom = (from: number, limit: number) => {
      let n = 0;
      while (n < limit && !unmapped[from + n]) n++;
      return n;
    };
    const pass = new RefaultPass(
      regions,
      regions * 2 * 2 ** 20,
      (r) => {
        touched.push(r);
        unmapped[r] = 0;
        return 1000;
      },
      mappedFrom,
      (n) => (skipped += n),
    );
    pass.observe(3 * 2 * 2 ** 20);
    expect(pass.run(1e9)).toBe(3000);
    pass.settle(0);
    expect(touched).toEqual([17, 50_000, 99_999]);
    expect(skipped).toBe(regions - 3);
    expect(pass.inProgress).toBe(false);
  });
});
